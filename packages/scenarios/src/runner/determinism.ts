import { diffTraces } from "../forensics/trace-diff.js";
import { type CaseOutcome, executeCase, type WallClock } from "./execute-case.js";
import { InvariantViolation, type Suite } from "./suite.js";

/** The invariant a run breaks when two executions of the same case trace differently. */
export const DETERMINISM_INVARIANT = "dsim.deterministic";

/**
 * Executes a case twice, each time in a fresh Simulation with the same seed, and compares the
 * trace digests. Returns the first execution's outcome; on a mismatch its `error` is an
 * {@link InvariantViolation} naming the first diverging event (its `seq` and both versions as
 * canonical JSON), which is what one needs to find the ambient time, `Math.random` or module state
 * that leaked into the world.
 */
export async function executeCaseTwice<C>(
  suite: Suite<C>,
  simSeed: number,
  testCase: C,
  wallClock: WallClock,
): Promise<CaseOutcome> {
  const first = await executeCase(suite, simSeed, testCase, { wallClock, keepTrace: true });
  const second = await executeCase(suite, simSeed, testCase, { wallClock, keepTrace: true });
  const { traceJsonl: firstTrace = "", ...firstRest } = first;
  if (first.digest === second.digest) return firstRest;
  const divergence = diffTraces(firstTrace, second.traceJsonl ?? "");
  const seq = divergence?.seq ?? -1;
  const error = new InvariantViolation(
    DETERMINISM_INVARIANT,
    `two runs of the same case diverge at trace event #${seq}`,
    {
      seq,
      first: divergence?.first ?? null,
      second: divergence?.second ?? null,
      firstDigest: first.digest,
      secondDigest: second.digest,
    },
  );
  return { ...firstRest, wallMs: first.wallMs + second.wallMs, error };
}
