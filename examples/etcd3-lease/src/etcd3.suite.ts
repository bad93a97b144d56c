import {
  checkBackoffSpacing,
  checkPromptLossReport,
  defineSuite,
  expectNoViolations,
  fc,
  GRPC_BACKOFF,
  type Suite,
} from "@dsim/scenarios";
import { type LeaseCase, runLeaseCase } from "./etcd-world.js";
import { type PartitionCase, runPartitionCase } from "./partition-world.js";

/** gRPC's connection-backoff numbers (without the connect deadline: refusals end attempts). */
const BACKOFF = {
  initialMs: GRPC_BACKOFF.initialMs,
  multiplier: GRPC_BACKOFF.multiplier,
  jitter: GRPC_BACKOFF.jitter,
  maxMs: GRPC_BACKOFF.maxMs,
};

/** etcd3's lease keep-alive when its only member goes away. */
export const memberRefuses = defineSuite<LeaseCase>({
  name: "etcd3-member-refuses",
  description:
    "etcd3 lease keep-alive: the only etcd member resets its connections and refuses new ones",
  defaultRuns: 100,
  // Virtual sockets under grpc-js: the run loop turns the real event loop between timers.
  simulation: { maxBusyTurns: 10_000_000 },
  arbitrary: fc.record({
    ttlSeconds: fc.constantFrom(5, 10, 30),
    refuseAtMs: fc.integer({ min: 1_000, max: 20_000 }),
    afterMs: fc.integer({ min: 1_000, max: 20_000 }),
    latencyMs: fc.integer({ min: 1, max: 20 }),
  }),
  plan: (c) => ({ ...c }),
  async run(sim, c) {
    const seen = await runLeaseCase(sim, c);
    // A client whose server refuses connects backs off (gRPC's 1 s × 1.6 rule), never a hot loop.
    expectNoViolations(checkBackoffSpacing(seen.attempts, BACKOFF));
  },
});

/** etcd3's lease keep-alive when the client is cut off from the cluster for longer than the TTL. */
export const partitionLost = defineSuite<PartitionCase>({
  name: "etcd3-partition-lost",
  description:
    "etcd3 lease keep-alive against the fake etcd cluster: a partition longer than the TTL, the server expires the lease, when does the application hear `lost`?",
  defaultRuns: 100,
  // Virtual sockets under grpc-js: the run loop turns the real event loop between timers.
  simulation: { maxBusyTurns: 10_000_000 },
  arbitrary: fc.record({
    ttlSeconds: fc.constantFrom(5, 10),
    partitionAtMs: fc.integer({ min: 1_000, max: 30_000 }),
    // Longer than the longest TTL plus etcd3's 2×TTL: the application hears `lost` while still
    // cut off.
    partitionMs: fc.integer({ min: 25_000, max: 40_000 }),
    latencyMs: fc.integer({ min: 1, max: 20 }),
  }),
  plan: (c) => ({ ...c }),
  async run(sim, c) {
    const seen = await runPartitionCase(sim, c);
    if (seen.lease === undefined) throw new Error("etcd3 never got its lease granted");
    // Once the server expired the lease, the application hears `lost` within TTL/3 + 1 s (etcd's
    // client rule: deadline = last acknowledgement + TTL, checked every second).
    expectNoViolations(checkPromptLossReport([seen.lease], () => seen.lostAt));
  },
});

// The two suites' case types differ: listed as Suite<unknown> (run takes its own case).
const suites: readonly Suite<unknown>[] = [memberRefuses, partitionLost];
export default suites;
