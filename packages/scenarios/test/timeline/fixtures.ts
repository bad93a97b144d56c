import type { Simulation } from "@dsim/sim-server";
import fc from "fast-check";
import { InvariantViolation, type Suite } from "../../src/runner/suite.js";

/** A string that would end a naive `<script>` block and run code if the page did not escape it. */
export const HOSTILE = "</script><script>window.__pwned = 1</script><!--";

/**
 * A tiny suite with a client, a server member, the network and a fault lane, whose trace carries
 * {@link HOSTILE} and which always breaks its invariant at t = 40.
 */
export const lanesSuite: Suite<{ readonly n: number }> = {
  name: "test-lanes",
  description: "test: one event per lane group, then a broken invariant",
  defaultRuns: 1,
  arbitrary: fc.record({ n: fc.constant(1) }),
  plan: () => ({ faults: [{ at: 10, kind: "partition", durationMs: 20 }] }),
  run: async (sim: Simulation) => {
    const clock = sim.clockFor("test");
    sim.trace.record("lessor", "grant", { id: 7n, note: HOSTILE });
    clock.setTimeout(() => sim.trace.record("fault", "partition", { durationMs: 20 }), 10);
    clock.setTimeout(() => sim.trace.record("etcd-member-1", "lease.expired", { id: 7n }), 25);
    clock.setTimeout(() => sim.trace.record("net", "net.heal", { a: "c", b: "s" }), 30);
    await sim.runFor(40);
    throw new InvariantViolation("test.lease-kept", "lease 7 expired at 25ms", { id: 7n });
  },
};
