import type { Suite } from "../runner/suite.js";
import { type ConnCase, connCaseArbitrary } from "./conn/conn-case.js";
import { runConnCase } from "./conn/run-conn-case.js";

/** Builds the `conn` suite. */
export function makeConnSuite(): Suite<ConnCase> {
  return {
    name: "conn",
    description:
      "ClientConn vs a fake gRPC server: states, backoff, GOAWAY, retries, addresses, leaks",
    defaultRuns: 1_000,
    arbitrary: connCaseArbitrary,
    plan: (testCase) => ({
      balancer: testCase.balancer,
      servers: testCase.servers,
      latencyMs: testCase.latencyMs,
      processingMs: testCase.processingMs,
      keepaliveMs: testCase.keepaliveMs,
      rpcs: testCase.rpcs.map((r) => ({ ...r })),
      faults: testCase.faults.map((f) => ("keep" in f ? { ...f, keep: [...f.keep] } : { ...f })),
      ...(testCase.durations === undefined ? {} : { durations: { ...testCase.durations } }),
    }),
    run: (sim, testCase) => runConnCase(sim, testCase),
  };
}

/**
 * `conn`: core's ClientConn against fake gRPC servers on the virtual network, under generated
 * GOAWAYs (graceful, immediate, too_many_pings), restarts, refused/blackholed/half-open
 * connections, partitions, refused streams and address updates. Invariants are judged from the
 * outside: the dials and streams core made at the transport port, what the servers ran, what the
 * application got, and what the kernel still holds.
 */
export const conn: Suite<ConnCase> = makeConnSuite();
