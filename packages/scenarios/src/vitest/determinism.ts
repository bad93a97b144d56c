import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { executeCaseTwice } from "../runner/determinism.js";
import { systemWallClock } from "../runner/execute-case.js";
import type { Suite } from "../runner/suite.js";

/** Options of {@link dsimDeterminism}. */
export interface DsimDeterminismOptions {
  /** Cases per suite (default 100). */
  readonly runs?: number;
  /** The seed the cases are drawn with (default 42). */
  readonly seed?: number;
  /** vitest's timeout per suite in wall ms (default 600 000). */
  readonly timeout?: number;
}

/**
 * Registers one vitest test per suite that draws `runs` cases, executes each twice in fresh
 * simulations and expects equal trace digests whatever the verdict (`dsim run
 * --check-determinism` inside vitest, for suites that fail by design too). A failure lists the
 * diverging cases with the first diverging trace event of each.
 */
export function dsimDeterminism(
  label: string,
  suites: readonly Suite<unknown>[],
  options: DsimDeterminismOptions = {},
): void {
  const runs = options.runs ?? 100;
  describe(`${label} suites are deterministic (every case run twice)`, () => {
    for (const suite of suites) {
      test(
        `${suite.name}: ${runs} cases, each run twice, same digest`,
        async () => {
          const cases = fc.sample(
            fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), suite.arbitrary),
            {
              seed: options.seed ?? 42,
              numRuns: runs,
            },
          );
          const diverging: string[] = [];
          for (const [index, [simSeed, testCase]] of cases.entries()) {
            const outcome = await executeCaseTwice(suite, simSeed, testCase, systemWallClock);
            if ("error" in outcome) diverging.push(`case ${index}: ${String(outcome.error)}`);
          }
          expect(diverging).toEqual([]);
        },
        options.timeout ?? 600_000,
      );
    }
  });
}
