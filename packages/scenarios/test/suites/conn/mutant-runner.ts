import { describe, expect, it } from "vitest";
import { runSuite } from "../../../src/runner/index.js";
import { connMutants } from "../../../src/suites/conn/mutant-catalog.js";
import { makeConnSuite } from "../../../src/suites/conn.js";

/** Fixed seed; the run count bounds the search (every mutant so far dies well before it). */
export const MUTANT_SEED = 42;
export const MUTANT_RUNS = 300;

/**
 * Declares one test per listed mutant: the `conn` suite run against core with that bug injected
 * must fail, and by the invariant written for it. (The mutants are split over a few test files so
 * that each file stays fast.)
 */
export function describeMutants(title: string, flags: readonly string[]): void {
  const selected = connMutants.filter((m) => flags.includes(m.flag));
  describe(`conn suite kills mutants of core/conn: ${title}`, () => {
    it("lists only known mutants", () => {
      expect(selected.map((m) => m.flag)).toEqual(flags);
    });
    it.each(selected.map((m) => [m.flag, m] as const))("catches %s", async (_flag, mutant) => {
      const result = await runSuite(makeConnSuite({ [mutant.flag]: true }), {
        seed: MUTANT_SEED,
        runs: MUTANT_RUNS,
        endOnFailure: true,
      });
      expect(
        result.failure,
        `mutant ${mutant.flag} survived ${MUTANT_RUNS} runs (seed ${MUTANT_SEED})`,
      ).toBeDefined();
      expect(result.failure?.invariant, JSON.stringify(result.failure?.plan)).toBe(mutant.caughtBy);
    });
  });
}
