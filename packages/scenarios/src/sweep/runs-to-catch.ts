import { runSuite } from "../runner/run-suite.js";
import type { Suite } from "../runner/suite.js";

/** How fast a (mutated) suite fails, over several seeds. */
export interface CatchStats {
  /** Runs needed to hit the first failure, per seed; `null` when it survived `maxRuns`. */
  readonly runs: readonly (number | null)[];
  /** Seeds that caught it. */
  readonly caught: number;
  /** Median runs-to-catch, counting survivors as `maxRuns + 1` (so a survivor never helps). */
  readonly median: number;
  /** Mean runs-to-catch with the same convention. */
  readonly mean: number;
}

/**
 * Runs `suite` with each seed until its first failure (no shrinking) and reports how many runs it
 * took. This is how `docs/ci.md` compares fault mixes: fewer runs to catch a known bug means a
 * sweep of fixed size finds more unknown ones.
 */
export async function runsToCatch(
  suite: Suite<unknown>,
  seeds: readonly number[],
  maxRuns: number,
): Promise<CatchStats> {
  const runs: (number | null)[] = [];
  for (const seed of seeds) {
    const result = await runSuite(suite, { seed, runs: maxRuns, endOnFailure: true });
    runs.push(result.failure === undefined ? null : result.runs);
  }
  const scored = runs.map((n) => n ?? maxRuns + 1).sort((a, b) => a - b);
  const middle = Math.floor(scored.length / 2);
  const median =
    scored.length % 2 === 1
      ? (scored[middle] ?? 0)
      : ((scored[middle - 1] ?? 0) + (scored[middle] ?? 0)) / 2;
  const mean = scored.reduce((sum, n) => sum + n, 0) / Math.max(scored.length, 1);
  return { runs, caught: runs.filter((n) => n !== null).length, median, mean };
}
