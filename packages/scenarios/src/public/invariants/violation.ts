import type { TraceValue } from "@dsim/sim-server";
import { InvariantViolation } from "../../runner/suite.js";

/** One broken invariant, as a reusable checker reports it. */
export interface Violation {
  /** The invariant's stable name, e.g. `conn.backoff-spacing`. */
  readonly invariant: string;
  /** What happened, with the numbers that show it. */
  readonly message: string;
  /** The same facts as data, for reports and the timeline. */
  readonly details: { readonly [key: string]: TraceValue };
}

/**
 * Throws the first violation of any list as an {@link InvariantViolation} (what a suite's `run`
 * must throw to fail its case); returns when every list is empty.
 *
 * @example
 * ```ts
 * expectNoViolations(checkBackoffSpacing(attempts, rule), checkLivenessAfterHeal(…));
 * ```
 */
export function expectNoViolations(...lists: readonly (readonly Violation[])[]): void {
  for (const list of lists) {
    const first = list[0];
    if (first !== undefined) {
      throw new InvariantViolation(first.invariant, first.message, first.details);
    }
  }
}

/** `[violation]` or `[]`: the internal lease checkers answer one violation or none. */
export function listOf(violation: Violation | undefined): Violation[] {
  return violation === undefined ? [] : [violation];
}
