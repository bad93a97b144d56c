import type { Suite } from "../runner/suite.js";
import { type ConnCase, connPlanArbitrary } from "./conn/conn-case.js";
import { runConnCase } from "./conn/run-conn-case.js";
import { conn } from "./conn.js";
import { http2ConnStack } from "./conn-http2/http2-stack.js";

/**
 * `conn-http2`: the `conn` suite's cases, fault plans and invariants, run on the production wire
 * stack — core's ClientConn with its node:http2 adapter (`Http2Dialer`) over virtual sockets,
 * against real node:http2 servers on virtual sockets. GOAWAYs go through the server session,
 * resets and partitions through `sim.net`.
 */
export const connHttp2: Suite<ConnCase> = {
  name: "conn-http2",
  description:
    "ClientConn + Http2Dialer (node:http2) over virtual sockets vs node:http2 servers: the conn suite's faults and invariants",
  defaultRuns: 100,
  // The default durations: extreme backoff and idle options are the conn suite's (fake stack).
  arbitrary: connPlanArbitrary,
  plan: conn.plan,
  run: (sim, testCase) => runConnCase(sim, testCase, http2ConnStack),
};
