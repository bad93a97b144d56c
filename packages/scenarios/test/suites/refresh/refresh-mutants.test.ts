import type { RefreshMutationPoints } from "@dsim/core";
import { describe, expect, it } from "vitest";
import { runSuite } from "../../../src/runner/run-suite.js";
import type { Suite } from "../../../src/runner/suite.js";
import type { RefreshCase } from "../../../src/suites/refresh/refresh-case.js";
import { refresh, runRefreshCase } from "../../../src/suites/refresh.js";

/** The refresh suite run against a refresher with one safety mechanism switched off. */
function mutant(point: keyof RefreshMutationPoints): Suite<RefreshCase> {
  return {
    ...refresh,
    name: `refresh-mutant-${point}`,
    run: (sim, testCase) => runRefreshCase(sim, testCase, { [point]: true }),
  };
}

/** Each mutant and the invariant that catches it first at seed 42. */
const MUTANTS: readonly (readonly [keyof RefreshMutationPoints, string])[] = [
  ["noSingleFlight", "refresh.single-flight"],
  ["noCooldown", "refresh.rate-limit"],
  ["noIntervalFloor", "refresh.interval-rule"],
  ["ignoreFreshness", "refresh.interval-rule"],
  ["dropValueOnError", "refresh.stale-served-while-failing"],
  ["noSequenceCheck", "refresh.newer-never-replaced-by-older"],
  ["callerAbortCancelsRequest", "refresh.cancel-affects-only-its-caller"],
  ["removeKeepsTimer", "refresh.nothing-after-remove"],
  ["closeKeepsTimers", "refresh.nothing-after-close"],
  ["noRetryAfterFailure", "refresh.fresh-again-after-faults"],
  ["sinkOnlyForeground", "refresh.every-error-reaches-sink"],
  ["genericFollowerError", "refresh.followers-share-outcome"],
];

describe("the refresh suite catches every mutant of core/refresh", () => {
  it.each(MUTANTS)("%s is caught by %s", async (point, invariant) => {
    const result = await runSuite(mutant(point), { seed: 42, runs: 1_000, endOnFailure: true });
    expect(result.failure?.invariant, `seed 42, mutant ${point}`).toBe(invariant);
  });
});
