import type { Simulation } from "@dsim/sim-server";
import fc from "fast-check";
import { InvariantViolation, type Suite } from "../../src/runner/suite.js";

/** A case of the test suites: timers to start, each with a delay in ms. */
export interface TimerCase {
  readonly delays: readonly number[];
}

const timerCases: fc.Arbitrary<TimerCase> = fc.record({
  delays: fc.array(fc.nat({ max: 100 }), { maxLength: 8 }),
});

/** Starts one timer per delay; each firing draws from the world's randomness and traces it. */
async function runTimers(sim: Simulation, testCase: TimerCase): Promise<void> {
  const clock = sim.clockFor("test");
  const random = sim.randomFor("test");
  for (const [index, delay] of testCase.delays.entries()) {
    clock.setTimeout(() => {
      sim.trace.record("test", "fire", { index, draw: random.int(0, 1000) });
    }, delay);
  }
  await sim.runFor(150);
}

/** Never fails; its trace depends on the case and on the simulation seed. */
export const passingSuite: Suite<TimerCase> = {
  name: "test-passing",
  description: "test: timers that always pass",
  defaultRuns: 20,
  arbitrary: timerCases,
  plan: (testCase) => ({ delays: [...testCase.delays] }),
  run: runTimers,
};

/** The threshold above which {@link failingSuite}'s invariant breaks. */
export const SUM_LIMIT = 300;

/** Fails when the delays add up to more than {@link SUM_LIMIT}. */
export const failingSuite: Suite<TimerCase> = {
  name: "test-failing",
  description: "test: fails when the delays add up to more than 300",
  defaultRuns: 50,
  arbitrary: timerCases,
  plan: (testCase) => ({ delays: [...testCase.delays] }),
  run: async (sim, testCase) => {
    await runTimers(sim, testCase);
    const sum = testCase.delays.reduce((a, b) => a + b, 0);
    if (sum > SUM_LIMIT) {
      throw new InvariantViolation("test.sum-within-limit", `delays add up to ${sum}`, { sum });
    }
  },
};

/** Throws a plain error (not an invariant violation) on every non-empty case. */
export const crashingSuite: Suite<TimerCase> = {
  ...passingSuite,
  name: "test-crashing",
  run: async (sim, testCase) => {
    await runTimers(sim, testCase);
    if (testCase.delays.length > 0) throw new TypeError("workload bug");
  },
};

/** A demo suite (hidden without DSIM_DEMO=1) that fails like {@link failingSuite}. */
export const demoSuite: Suite<TimerCase> = { ...failingSuite, name: "test-demo", demo: true };

/** A wall clock that advances `step` ms each time it is read. */
export function steppingClock(step: number): () => number {
  let now = 0;
  return () => {
    now += step;
    return now;
  };
}
