import { diffTraces } from "../forensics/trace-diff.js";
import { type CaseOutcome, executeCase, type WallClock } from "./execute-case.js";
import { InvariantViolation, type Suite } from "./suite.js";

/** The invariant a run breaks when two executions of the same case trace differently. */
export const DETERMINISM_INVARIANT = "dsim.deterministic";

/** What {@link executeCaseTwice} found: a divergence is the `error`; a failed property is not. */
export interface TwiceOutcome extends CaseOutcome {
  /**
   * What the suite threw in both executions, which traced the same: a deterministic property
   * failure (absent when the case passed, or when the executions diverged).
   */
  readonly propertyError?: unknown;
}

/**
 * Executes a case twice, each time in a fresh Simulation with the same seed, and compares the
 * trace digests — whether the case passed or not: determinism is about equal digests, not
 * verdicts. Returns the first execution's measurements. On a mismatch `error` is an
 * {@link InvariantViolation} naming the first diverging event (its `seq` and both versions as
 * canonical JSON), which is what one needs to find the ambient time, `Math.random` or module state
 * that leaked into the world. When the digests agree and the case failed, its error is
 * `propertyError` instead (the failure was recorded in the trace, so both executions failed the
 * same way).
 */
export async function executeCaseTwice<C>(
  suite: Suite<C>,
  simSeed: number,
  testCase: C,
  wallClock: WallClock,
): Promise<TwiceOutcome> {
  const first = await executeCase(suite, simSeed, testCase, { wallClock, keepTrace: true });
  const second = await executeCase(suite, simSeed, testCase, { wallClock, keepTrace: true });
  const { traceJsonl: firstTrace = "", error: propertyError, ...firstRest } = first;
  const wallMs = first.wallMs + second.wallMs;
  if (first.digest === second.digest) {
    return "error" in first ? { ...firstRest, wallMs, propertyError } : { ...firstRest, wallMs };
  }
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
  return { ...firstRest, wallMs, error };
}
