import type { Suite } from "../runner/suite.js";
import { conn } from "./conn.js";
import { connHttp2 } from "./conn-http2.js";
import { demoFailure } from "./demo-failure.js";
import { lease } from "./lease.js";
import { leaseGrpcJs } from "./lease-grpc-js.js";
import { leaseHttp2 } from "./lease-http2.js";
import { netDelivery } from "./net-delivery.js";
import { refresh } from "./refresh.js";

/** Every suite `dsim` knows, in listing order. Add one import and one line per suite. */
// biome-ignore format: one suite per line, so suites added in parallel merge without conflicts
export const suites: readonly Suite<unknown>[] = [
  netDelivery,
  conn,
  connHttp2,
  refresh,
  lease,
  leaseHttp2,
  leaseGrpcJs,
  demoFailure,
];
