import type { Suite } from "../runner/suite.js";
import { demoFailure } from "./demo-failure.js";
import { netDelivery } from "./net-delivery.js";

/** Every suite `dsim` knows, in listing order. Add one import and one line per suite. */
// biome-ignore format: one suite per line, so suites added in parallel merge without conflicts
export const suites: readonly Suite<unknown>[] = [
  netDelivery,
  demoFailure,
];
