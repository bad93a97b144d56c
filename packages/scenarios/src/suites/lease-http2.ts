import type { Suite } from "../runner/suite.js";
import type { LeaseCase } from "./lease/lease-case.js";
import { runLeaseCase } from "./lease/run-lease-case.js";
import { lease } from "./lease.js";
import { buildHttp2LeaseWorld } from "./lease-http2/http2-lease-world.js";

/**
 * `lease-http2`: the `lease` suite's cases, fault plans and invariants on the production wire
 * stack — Lessor → GrpcLeaseClient → ClientConn → core's `Http2Dialer` (node:http2) over virtual
 * sockets, against the fake etcd cluster served by real grpc-js servers on virtual sockets. Every
 * case runs on the wire (the arbitrary's `transport` choice is fixed to `grpc`).
 */
export const leaseHttp2: Suite<LeaseCase> = {
  name: "lease-http2",
  description:
    "Lessor + GrpcLeaseClient + ClientConn + Http2Dialer (node:http2) over virtual sockets vs the fake etcd on grpc-js servers",
  defaultRuns: 100,
  arbitrary: lease.arbitrary.map((testCase) => ({ ...testCase, transport: "grpc" as const })),
  plan: lease.plan,
  run: (sim, testCase) => runLeaseCase(sim, testCase, buildHttp2LeaseWorld),
};
