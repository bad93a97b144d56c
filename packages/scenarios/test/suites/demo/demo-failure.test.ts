import { Simulation } from "@dsim/sim-server";
import { describe, expect, it } from "vitest";
import { replayCase } from "../../../src/runner/replay-case.js";
import { runSuite } from "../../../src/runner/run-suite.js";
import { type DemoCase, demoFailure } from "../../../src/suites/demo-failure.js";

describe("demo-failure", () => {
  it("is a demo suite", () => {
    expect(demoFailure.demo).toBe(true);
  });

  it("fails, shrinks to one request and one partition longer than the retry budget", async () => {
    const result = await runSuite(demoFailure, { seed: 42 });
    const failure = result.failure;
    if (failure === undefined) throw new Error("the demo suite is meant to fail");
    expect(failure.invariant).toBe("demo.retries-outlast-partitions");
    const plan = failure.plan as {
      requests: { at: number }[];
      faults: { at: number; durationMs: number; kind: string }[];
    };
    expect(plan.requests).toHaveLength(1);
    expect(plan.faults).toHaveLength(1);
    expect(plan.faults[0]?.kind).toBe("partition");
    // 3 attempts × 100 ms: shorter partitions are survived, so the shrunk one is just longer.
    expect(plan.faults[0]?.durationMs).toBeGreaterThan(250);
    expect(plan.faults[0]?.durationMs).toBeLessThan(320);
    expect(failure.replay).toMatch(/^DSIM_DEMO=1 pnpm dsim replay demo-failure --seed 42 --path "/);

    const replay = await replayCase(demoFailure, { seed: 42, path: failure.path });
    expect(replay.failed).toBe(true);
    expect(replay.invariant).toBe(failure.invariant);
    expect(replay.digest).toBe(failure.digest);
    expect(replay.traceJsonl).toContain('"kind":"gave-up"');
  });

  it("passes when no partition outlasts the retry budget", async () => {
    const short: DemoCase = {
      requests: [{ at: 0 }, { at: 50 }],
      partitions: [{ at: 10, durationMs: 150 }],
    };
    await using sim = new Simulation({ seed: 1 });
    await expect(demoFailure.run(sim, short)).resolves.toBeUndefined();
  });
});
