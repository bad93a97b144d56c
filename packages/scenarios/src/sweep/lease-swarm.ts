import fc from "fast-check";
import { swarmFaults } from "../arbitraries/swarm.js";
import {
  FAULT_WINDOW_MS,
  type LeaseCase,
  type LeaseFault,
  leaseCaseArbitrary,
} from "../suites/lease/lease-case.js";

const at = fc.integer({ min: 0, max: FAULT_WINDOW_MS });
const duration = fc.oneof(
  { arbitrary: fc.integer({ min: 100, max: 3000 }), weight: 3 },
  { arbitrary: fc.integer({ min: 3000, max: 30_000 }), weight: 1 },
);
const probability = fc.constantFrom(0.3, 0.7, 1);

/**
 * The `lease` suite's fault kinds, one arbitrary per kind, with the same ranges as the suite's own
 * fixed mix (`suites/lease/lease-case.ts`), so that a comparison measures the mix only.
 */
export const leaseFaultKinds: { readonly [kind: string]: fc.Arbitrary<LeaseFault> } = {
  "leader-loss": fc.record({ at, kind: fc.constant("leader-loss" as const), durationMs: duration }),
  "quorum-loss": fc.record({ at, kind: fc.constant("quorum-loss" as const), durationMs: duration }),
  "leader-change": fc.record({ at, kind: fc.constant("leader-change" as const) }),
  "member-restart": fc.record({
    at,
    kind: fc.constant("member-restart" as const),
    member: fc.nat(4),
    downMs: duration,
  }),
  goaway: fc.record({ at, kind: fc.constant("goaway" as const) }),
  "drop-responses": fc.record({
    at,
    kind: fc.constant("drop-responses" as const),
    durationMs: duration,
    probability,
  }),
  "drop-requests": fc.record({
    at,
    kind: fc.constant("drop-requests" as const),
    durationMs: duration,
    probability,
  }),
  partition: fc.record({ at, kind: fc.constant("partition" as const), durationMs: duration }),
  latency: fc.record({
    at,
    kind: fc.constant("latency" as const),
    durationMs: duration,
    latencyMs: fc.integer({ min: 20, max: 300 }),
  }),
};

/**
 * `lease` cases whose fault plan is drawn swarm-style (same world, workload, ranges and maximum
 * of 4 faults). For measuring mutant catch speed only.
 */
export const leaseSwarmCaseArbitrary: fc.Arbitrary<LeaseCase> = leaseCaseArbitrary.chain((base) =>
  swarmFaults(leaseFaultKinds, { maxFaults: 4 }).map(({ faults }) => ({ ...base, faults })),
);
