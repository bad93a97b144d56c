import {
  checkBackoffSpacing,
  defineSuite,
  expectNoViolations,
  fc,
  GRPC_BACKOFF,
} from "@dsim/scenarios";
import { type LeaseCase, runLeaseCase } from "./etcd-world.js";

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

export default [memberRefuses];
