import fc from "fast-check";
import type { Suite } from "./suite.js";

/**
 * The simulation seed is generated next to the case, so the world's randomness (jitter, loss
 * draws) is part of what fast-check explores and shrinks, and part of what `{seed, path}` names.
 */
export const simSeedArbitrary: fc.Arbitrary<number> = fc.integer({ min: 0, max: 0xffffffff });

/**
 * The property every suite is checked with: for a generated simulation seed and case, `body`
 * runs the case; it throws when the case fails. `body` is the runner's, not the suite's, so it can
 * measure and record each execution.
 */
export function suiteProperty<C>(
  suite: Suite<C>,
  body: (simSeed: number, testCase: C) => Promise<void>,
): fc.IAsyncProperty<[number, C]> {
  return fc.asyncProperty(simSeedArbitrary, suite.arbitrary, body);
}
