import type { Suite } from "../runner/suite.js";
import type { LeaseCase } from "./lease/lease-case.js";
import { runLeaseCase } from "./lease/run-lease-case.js";
import { grpcJsLeaseClient } from "./lease-grpc-js/grpc-js-lease-client-factory.js";
import { buildWireLeaseWorld } from "./lease-http2/http2-lease-world.js";
import { leaseHttp2 } from "./lease-http2.js";

/**
 * `lease-grpc-js`: the `lease-http2` cases with the Lessor over `GrpcJsLeaseClient` on an
 * unmodified grpc-js channel (its sockets and timers virtualised for the case), against the same
 * fake etcd on real grpc-js servers.
 */
export const leaseGrpcJs: Suite<LeaseCase> = {
  name: "lease-grpc-js",
  description:
    "Lessor + GrpcJsLeaseClient on an unmodified grpc-js channel over virtual sockets vs the fake etcd on grpc-js servers",
  defaultRuns: 100,
  arbitrary: leaseHttp2.arbitrary,
  plan: leaseHttp2.plan,
  run: (sim, testCase) =>
    runLeaseCase(sim, testCase, (s, c, options) =>
      buildWireLeaseWorld(s, c, options ?? {}, grpcJsLeaseClient),
    ),
};
