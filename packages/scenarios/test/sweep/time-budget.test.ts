import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { SWEEP_RUNS } from "../../src/cli/run-command.js";
import type { Suite } from "../../src/runner/suite.js";
import { captureIo } from "../cli/capture-io.js";
import { passingSuite, steppingClock } from "../runner/fixtures.js";

const second: Suite<unknown> = { ...passingSuite, name: "test-passing-2" } as Suite<unknown>;
const registry = [passingSuite, second] as Suite<unknown>[];

interface Row {
  name: string;
  runs: number;
  plannedRuns: number;
  interrupted: boolean;
}

describe("--time-budget without --runs: a sweep", () => {
  it("runs as many cases as fit, sharing the budget fairly between suites", async () => {
    const captured = captureIo();
    // Every wall-clock read advances 1 ms, so the budget is spent after a known amount of work.
    const io = { ...captured.io, wallClock: steppingClock(1) };
    const argv = ["run", "--time-budget", "400ms", "--reporter", "json", "--no-corpus"];
    const code = await main(argv, io, registry);
    expect(code).toBe(0);
    const rows = (JSON.parse(captured.stdout()) as { suites: Row[] }).suites;
    for (const row of rows) {
      expect(row.plannedRuns, row.name).toBe(SWEEP_RUNS);
      expect(row.interrupted, row.name).toBe(true);
      expect(row.runs, row.name).toBeGreaterThan(10);
    }
    // A fair share: neither suite gets more than twice the other's runs.
    const [a, b] = rows.map((row) => row.runs);
    expect(Math.max(a ?? 0, b ?? 0)).toBeLessThan(2 * Math.min(a ?? 0, b ?? 0));
    expect(captured.stderr()).toMatch(/test-passing: \d+\/1000000 runs stopped \(time budget\)/);
  });

  it("with a shard, sweeps only that shard's block", async () => {
    const captured = captureIo();
    const io = { ...captured.io, wallClock: steppingClock(1) };
    const argv = ["run", "test-passing", "--time-budget", "100ms", "--shard", "2/4"];
    await main([...argv, "--reporter", "json", "--no-corpus"], io, registry);
    const rows = (JSON.parse(captured.stdout()) as { suites: (Row & { firstRun: number })[] })
      .suites;
    expect(rows[0]).toMatchObject({ firstRun: SWEEP_RUNS / 4, plannedRuns: SWEEP_RUNS / 4 });
  });
});
