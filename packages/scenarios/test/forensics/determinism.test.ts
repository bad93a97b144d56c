import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { diffTraces } from "../../src/forensics/trace-diff.js";
import { DETERMINISM_INVARIANT } from "../../src/runner/determinism.js";
import { replayCase } from "../../src/runner/replay-case.js";
import { runSuite } from "../../src/runner/run-suite.js";
import type { Suite } from "../../src/runner/suite.js";
import { captureIo } from "../cli/capture-io.js";
import { failingSuite, passingSuite, type TimerCase } from "../runner/fixtures.js";

/**
 * Deliberately non-deterministic: a module-level counter leaks into the trace at the second timer,
 * so two executions of one case trace differently from that event on. Registered only here.
 */
let leaked = 0;
const leakySuite: Suite<TimerCase> = {
  ...passingSuite,
  name: "test-leaky",
  arbitrary: fc.record({ delays: fc.array(fc.nat({ max: 100 }), { minLength: 2, maxLength: 4 }) }),
  run: async (sim, testCase) => {
    const clock = sim.clockFor("test");
    for (const [index, delay] of testCase.delays.entries()) {
      clock.setTimeout(() => {
        sim.trace.record("test", "fire", index === 1 ? { index, leaked: leaked++ } : { index });
      }, delay);
    }
    await sim.runFor(150);
  },
};

/** Reads ambient randomness into the world, the classic way a simulation stops replaying. */
const ambientSuite: Suite<TimerCase> = {
  ...passingSuite,
  name: "test-ambient",
  run: async (sim) => {
    sim.trace.record("test", "jitter", { ms: Math.floor(Math.random() * 1e9) });
    await sim.runFor(1);
  },
};

describe("diffTraces", () => {
  it("returns nothing for identical traces and the first differing line otherwise", () => {
    const a = '{"seq":0}\n{"seq":1,"x":1}\n{"seq":2}\n';
    expect(diffTraces(a, a)).toBeUndefined();
    expect(diffTraces(a, '{"seq":0}\n{"seq":1,"x":2}\n{"seq":2}\n')).toEqual({
      seq: 1,
      first: '{"seq":1,"x":1}',
      second: '{"seq":1,"x":2}',
    });
    expect(diffTraces(a, '{"seq":0}\n')).toEqual({
      seq: 1,
      first: '{"seq":1,"x":1}',
      second: null,
    });
  });
});

describe("--check-determinism", () => {
  it("catches the leaky suite on its first run and names the first diverging event", async () => {
    const result = await runSuite(leakySuite, { seed: 7, runs: 20, checkDeterminism: true });
    expect(result.runs).toBe(1);
    const failure = result.failure;
    expect(failure?.invariant).toBe(DETERMINISM_INVARIANT);
    expect(failure?.shrinks).toBe(0);
    const details = failure?.details ?? {};
    const first = JSON.parse(String(details.first)) as { seq: number; data: { leaked: number } };
    const second = JSON.parse(String(details.second)) as { seq: number; data: { leaked: number } };
    expect(first.seq).toBe(details.seq);
    expect(second.seq).toBe(details.seq);
    expect(second.data.leaked).toBe(first.data.leaked + 1);
    expect(details.firstDigest).not.toBe(details.secondDigest);
  });

  it("without the check the leaky suite passes: that is why the mode exists", async () => {
    const result = await runSuite(leakySuite, { seed: 7, runs: 20 });
    expect(result.failures).toBe(0);
  });

  it("catches ambient Math.random through the CLI, exit 1, naming seq 0", async () => {
    const captured = captureIo();
    const argv = ["run", "test-ambient", "--check-determinism", "--no-corpus"];
    const code = await main(argv, captured.io, [ambientSuite]);
    expect(code).toBe(1);
    expect(captured.stdout()).toContain(`invariant: ${DETERMINISM_INVARIANT}`);
    expect(captured.stdout()).toContain("diverge at trace event #0");
  });

  it("passes deterministic suites with the very digests of a normal run", async () => {
    const checked = await runSuite(passingSuite, { seed: 3, runs: 15, checkDeterminism: true });
    const plain = await runSuite(passingSuite, { seed: 3, runs: 15 });
    expect(checked.failures).toBe(0);
    expect(checked.runDigests).toEqual(plain.runDigests);
  });

  it("compares every case of a suite that fails by design, listing its failures as notes", async () => {
    const result = await runSuite(failingSuite, { seed: 42, runs: 50, checkDeterminism: true });
    // All 50 cases were executed twice and traced the same: no determinism failure.
    expect(result.runs).toBe(50);
    expect(result.failures).toBe(0);
    expect(result.failure).toBeUndefined();
    const notes = result.propertyFailures ?? [];
    expect(notes.length).toBeGreaterThan(1);
    expect(notes.length).toBeLessThan(50);
    // The first note is the case a plain run stops at, unshrunk.
    const plain = await runSuite(failingSuite, { seed: 42, runs: 50, endOnFailure: true });
    expect(notes[0]?.path).toBe(plain.failure?.path);
    expect(notes[0]?.digest).toBe(plain.failure?.digest);
    // Every note names the suite's invariant and replays to a failure with the same digest.
    for (const note of notes) {
      expect(note.invariant).toBe("test.sum-within-limit");
      expect(note.shrinks).toBe(0);
      expect(note.replay).toContain(`--path "${note.path}"`);
      expect(result.runRecords[Number(note.path)]?.digest).toBe(note.digest);
      const replayed = await replayCase(failingSuite, { seed: 42, path: note.path });
      expect({ failed: replayed.failed, digest: replayed.digest }).toEqual({
        failed: true,
        digest: note.digest,
      });
    }
  });

  it("through the CLI a suite that fails by design passes the check, exit 0, with a note", async () => {
    const captured = captureIo();
    const argv = ["run", failingSuite.name, "--check-determinism", "--no-corpus", "--runs", "50"];
    const code = await main(argv, captured.io, [failingSuite]);
    expect(code).toBe(0);
    expect(captured.stdout()).toMatch(
      /note: test-failing: \d+ of 50 case\(s\) failed their property the same way in both executions/,
    );
    expect(captured.stdout()).toContain("invariant test.sum-within-limit");
    expect(captured.stdout()).toContain("all 1 suite(s) passed");
  });
});
