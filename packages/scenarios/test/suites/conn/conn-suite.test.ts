import { Simulation } from "@dsim/sim-server";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runSuite } from "../../../src/runner/index.js";
import { type ConnCase, connCaseArbitrary } from "../../../src/suites/conn/conn-case.js";
import { conn } from "../../../src/suites/conn.js";
import { suites } from "../../../src/suites/index.js";

const gracefulCase: ConnCase = {
  balancer: "round_robin",
  servers: 2,
  latencyMs: 5,
  processingMs: 150,
  keepaliveMs: 10_000,
  rpcs: Array.from({ length: 20 }, (_, i) => ({
    at: i * 300,
    waitForReady: i % 2 === 0,
    deadlineMs: 5_000,
  })),
  faults: [
    { at: 1_000, kind: "goaway", server: 0, mode: "graceful" },
    { at: 2_500, kind: "goaway", server: 1, mode: "graceful" },
  ],
  statusProbes: ["ok-empty", "ok-two-messages", "cancelled", "resource-exhausted", "deadline"],
  interleavings: {
    close: "backoff",
    closeAfterMs: 300,
    removedDial: "blackhole",
    sharedSignalCalls: 4,
  },
};

async function digestOf(testCase: ConnCase, seed: number): Promise<string> {
  await using sim = new Simulation({ seed });
  await conn.run(sim, testCase);
  return sim.trace.digest();
}

describe("conn suite", () => {
  it("is registered", () => {
    expect(suites).toContain(conn);
  });

  it("passes against the real core (fixed seed)", async () => {
    const result = await runSuite(conn, { seed: 42, runs: 30 });
    expect(result.failure, JSON.stringify(result.failure?.plan)).toBeUndefined();
  });

  it("a hand-written graceful-GOAWAY case passes and replays to the same digest", async () => {
    const first = await digestOf(gracefulCase, 7);
    expect(await digestOf(gracefulCase, 7)).toBe(first);
    // With refused connections the backoff jitter is drawn from the seeded stream: the seed shows.
    const refusing: ConnCase = {
      ...gracefulCase,
      faults: [{ at: 0, kind: "refuse", server: 0, durationMs: 8_000 }],
    };
    expect(await digestOf(refusing, 7)).toBe(await digestOf(refusing, 7));
    expect(await digestOf(refusing, 8)).not.toBe(await digestOf(refusing, 7));
  });

  it("plans are plain data that shrink to shorter and earlier", () => {
    const [sample] = fc.sample(connCaseArbitrary, { seed: 3, numRuns: 1 });
    expect(sample).toBeDefined();
    if (sample === undefined) return;
    expect(JSON.parse(JSON.stringify(conn.plan(sample)))).toEqual(conn.plan(sample));
    // Shrinking a failing property on "has a fault" ends at a single fault at time 0.
    const details = fc.check(
      fc.property(connCaseArbitrary, (c) => c.faults.length === 0),
      { seed: 3 },
    );
    const counterexample = details.counterexample?.[0];
    expect(counterexample?.faults).toHaveLength(1);
    expect(counterexample?.faults[0]?.at).toBe(0);
  });
});
