import { describe, expect, it } from "vitest";
import { combineDigests } from "../../src/runner/digest.js";
import { replayCase } from "../../src/runner/replay-case.js";
import { formatReplayCommand } from "../../src/runner/replay-command.js";
import { runSuite } from "../../src/runner/run-suite.js";
import { crashingSuite, failingSuite, passingSuite, SUM_LIMIT, steppingClock } from "./fixtures.js";

const HEX64 = /^[0-9a-f]{64}$/;

describe("runSuite on a passing suite", () => {
  it("executes every run, measures it and combines the digests in order", async () => {
    const progress: number[] = [];
    const result = await runSuite(passingSuite, {
      seed: 7,
      runs: 30,
      chunkSize: 8,
      onProgress: (p) => progress.push(p.done),
    });
    expect(result.failures).toBe(0);
    expect(result.failure).toBeUndefined();
    expect(result.runs).toBe(30);
    expect(result.runDigests).toHaveLength(30);
    expect(result.digest).toMatch(HEX64);
    expect(result.digest).toBe(combineDigests(result.runDigests));
    expect(result.simulatedMs).toBe(30 * 150);
    expect(result.runRecords.map((r) => r.digest)).toEqual(result.runDigests);
    expect(result.runRecords.every((r) => r.simulatedMs === 150 && r.wallMs >= 0)).toBe(true);
    expect(new Set(result.runRecords.map((r) => r.simSeed)).size).toBeGreaterThan(1);
    expect(result.wallMs).toBeGreaterThanOrEqual(0);
    expect(result.interrupted).toBe(false);
    expect(progress).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it("gives the same digest for the same seed and a different one for another seed", async () => {
    const a = await runSuite(passingSuite, { seed: 11, runs: 25 });
    const b = await runSuite(passingSuite, { seed: 11, runs: 25, chunkSize: 3 });
    const c = await runSuite(passingSuite, { seed: 12, runs: 25 });
    expect(b.runDigests).toEqual(a.runDigests);
    expect(b.digest).toBe(a.digest);
    expect(c.digest).not.toBe(a.digest);
  });

  it("defaults to the suite's defaultRuns", async () => {
    const result = await runSuite(passingSuite, { seed: 1 });
    expect(result.runs).toBe(passingSuite.defaultRuns);
  });

  it("rejects invalid options up front", async () => {
    await expect(runSuite(passingSuite, { seed: 1.5 })).rejects.toThrow(TypeError);
    await expect(runSuite(passingSuite, { seed: 1, runs: -1 })).rejects.toThrow(RangeError);
    await expect(runSuite(passingSuite, { seed: 1, timeBudgetMs: -1 })).rejects.toThrow(RangeError);
    await expect(runSuite(passingSuite, { seed: 1, chunkSize: 0 })).rejects.toThrow(RangeError);
  });
});

describe("sharding", () => {
  it("partitions the run set: the shards' runs concatenate to the unsharded runs", async () => {
    const all = await runSuite(passingSuite, { seed: 99, runs: 23 });
    const shards = [];
    for (let index = 1; index <= 4; index += 1) {
      shards.push(await runSuite(passingSuite, { seed: 99, runs: 23, shard: { index, count: 4 } }));
    }
    expect(shards.map((s) => s.runs)).toEqual([5, 6, 6, 6]);
    expect(shards.map((s) => s.firstRun)).toEqual([0, 5, 11, 17]);
    expect(shards.flatMap((s) => s.runDigests)).toEqual(all.runDigests);
    expect(shards.reduce((sum, s) => sum + s.runs, 0)).toBe(23);
  });

  it("reports absolute failure paths that replay without the shard", async () => {
    const unsharded = await runSuite(failingSuite, { seed: 5, runs: 40 });
    expect(unsharded.failure).toBeDefined();
    const firstFailing = unsharded.runs - 1;
    // The shard holding the first failing index must find the very same counterexample.
    const count = 4;
    const index = Math.floor((firstFailing * count) / 40) + 1;
    const shard = await runSuite(failingSuite, { seed: 5, runs: 40, shard: { index, count } });
    expect(shard.firstRun).toBeLessThanOrEqual(firstFailing);
    expect(shard.failure?.path).toBe(unsharded.failure?.path);
    expect(shard.failure?.digest).toBe(unsharded.failure?.digest);
  });
});

describe("runSuite on a failing suite", () => {
  it("shrinks the counterexample and reports seed, path, plan, invariant and replay", async () => {
    const result = await runSuite(failingSuite, { seed: 42, runs: 50 });
    expect(result.failures).toBe(1);
    const failure = result.failure;
    if (failure === undefined) throw new Error("expected a failure");
    expect(failure.seed).toBe(42);
    expect(failure.path).toMatch(/^\d+(:\d+)+$/);
    expect(failure.shrinks).toBeGreaterThan(0);
    expect(failure.invariant).toBe("test.sum-within-limit");
    const delays = (failure.plan as { delays: number[] }).delays;
    const sum = delays.reduce((a, b) => a + b, 0);
    expect(sum).toBeGreaterThan(SUM_LIMIT);
    // Shrunk: dropping any one timer makes the case pass.
    expect(sum - Math.min(...delays)).toBeLessThanOrEqual(SUM_LIMIT);
    expect(failure.message).toBe(`delays add up to ${sum}`);
    expect(failure.details).toEqual({ sum });
    expect(failure.digest).toMatch(HEX64);
    expect(failure.replay).toBe(
      formatReplayCommand({ suite: "test-failing", seed: 42, path: failure.path }),
    );
    expect(failure.replay).toBe(`pnpm dsim replay test-failing --seed 42 --path "${failure.path}"`);
    // The runs stop at the first failing one; shrink attempts are not runs.
    expect(result.runs).toBe(Number(failure.path.split(":")[0]) + 1);
    expect(result.runDigests).toHaveLength(result.runs);
  });

  it("replays the exact counterexample: same invariant, plan and digest", async () => {
    const result = await runSuite(failingSuite, { seed: 42, runs: 50 });
    const failure = result.failure;
    if (failure === undefined) throw new Error("expected a failure");
    const replay = await replayCase(failingSuite, { seed: failure.seed, path: failure.path });
    expect(replay.failed).toBe(true);
    expect(replay.invariant).toBe(failure.invariant);
    expect(replay.message).toBe(failure.message);
    expect(replay.plan).toEqual(failure.plan);
    expect(replay.simSeed).toBe(failure.simSeed);
    expect(replay.digest).toBe(failure.digest);
    const lines = replay.traceJsonl.trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((line) => line.includes("invariant.broken"))).toBe(true);
  });

  it("with endOnFailure reports the first failing case unshrunk", async () => {
    const result = await runSuite(failingSuite, { seed: 42, runs: 50, endOnFailure: true });
    expect(result.failure?.shrinks).toBe(0);
    expect(result.failure?.path).toMatch(/^\d+$/);
    const replay = await replayCase(failingSuite, {
      seed: 42,
      path: result.failure?.path ?? "",
    });
    expect(replay.digest).toBe(result.failure?.digest);
  });

  it("reports errors that are not invariant violations under unexpected-error", async () => {
    const result = await runSuite(crashingSuite, { seed: 3, runs: 10 });
    expect(result.failure?.invariant).toBe("unexpected-error:TypeError");
    expect(result.failure?.message).toBe("workload bug");
    // Shrinks to the smallest case that still crashes: one timer at 0 ms.
    expect(result.failure?.plan).toEqual({ delays: [0] });
  });
});

describe("replayCase", () => {
  it("replays a passing case as passing, with the digest of that run", async () => {
    const all = await runSuite(passingSuite, { seed: 8, runs: 6 });
    const replay = await replayCase(passingSuite, { seed: 8, path: "4" });
    expect(replay.failed).toBe(false);
    expect(replay.invariant).toBeUndefined();
    expect(replay.digest).toBe(all.runDigests[4]);
  });

  it("creates each simulation with the suite's extra simulation options", async () => {
    const traced = { ...passingSuite, simulation: { traceTimers: true } };
    const plain = await replayCase(passingSuite, { seed: 8, path: "4" });
    const replay = await replayCase(traced, { seed: 8, path: "4" });
    expect(plain.traceJsonl).not.toContain("kernel.timer-fire");
    expect(replay.traceJsonl).toContain("kernel.timer-fire");
    expect(replay.digest).not.toBe(plain.digest);
  });

  it("rejects malformed paths and seeds", async () => {
    await expect(replayCase(passingSuite, { seed: 1, path: "a:b" })).rejects.toThrow(RangeError);
    await expect(replayCase(passingSuite, { seed: 1, path: "" })).rejects.toThrow(RangeError);
    await expect(replayCase(passingSuite, { seed: Number.NaN, path: "0" })).rejects.toThrow(
      TypeError,
    );
  });
});

describe("time budget", () => {
  it("stops starting new runs once the budget is spent", async () => {
    // Every wall-clock read advances 10 ms, so the budget runs out after a few runs.
    const result = await runSuite(passingSuite, {
      seed: 4,
      runs: 100,
      timeBudgetMs: 100,
      wallClock: steppingClock(10),
    });
    expect(result.interrupted).toBe(true);
    expect(result.runs).toBeGreaterThan(0);
    expect(result.runs).toBeLessThan(100);
    const full = await runSuite(passingSuite, { seed: 4, runs: 100 });
    // The runs that did happen are the first runs of the full set.
    expect(result.runDigests).toEqual(full.runDigests.slice(0, result.runs));
  });

  it("stops shrinking when the budget is spent, keeping a replayable failing case", async () => {
    const full = await runSuite(failingSuite, { seed: 42, runs: 50 });
    // 5 ms per wall-clock read: the budget runs out during shrinking.
    const cut = await runSuite(failingSuite, {
      seed: 42,
      runs: 50,
      timeBudgetMs: 60,
      wallClock: steppingClock(5),
    });
    const failure = cut.failure;
    if (failure === undefined || full.failure === undefined) throw new Error("expected failures");
    expect(failure.shrinkTruncated).toBe(true);
    expect(full.failure.shrinkTruncated).toBe(false);
    expect(failure.shrinks).toBeLessThan(full.failure.shrinks);
    const replay = await replayCase(failingSuite, { seed: 42, path: failure.path });
    expect(replay.failed).toBe(true);
    expect(replay.digest).toBe(failure.digest);
  });

  it("runs nothing with a zero budget", async () => {
    const result = await runSuite(passingSuite, { seed: 4, runs: 10, timeBudgetMs: 0 });
    expect(result.interrupted).toBe(true);
    expect(result.runs).toBe(0);
    expect(result.digest).toBe(combineDigests([]));
  });
});
