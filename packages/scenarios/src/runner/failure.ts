import type { TraceValue } from "@dsim/sim-server";
import { isInvariantViolation } from "./suite.js";

/** How a run's error reads in a report. */
export interface FailureDescription {
  /** The invariant's name, or `unexpected-error:<Name>` for an error that is not a violation. */
  readonly invariant: string;
  /** The human message, without the invariant prefix. */
  readonly message: string;
  /** Facts attached by the invariant (empty for other errors). */
  readonly details: { readonly [key: string]: TraceValue };
}

/**
 * Names a run's error. An `InvariantViolation` (from any copy of this package) keeps its
 * invariant; anything else a suite throws (a kernel livelock, a bug in the workload) is still a
 * failure of the property, reported under `unexpected-error:<error name or code>` so it cannot be
 * mistaken for a broken invariant.
 */
export function describeFailure(error: unknown): FailureDescription {
  if (isInvariantViolation(error)) {
    const prefix = `${error.invariant}: `;
    const message = error.message.startsWith(prefix)
      ? error.message.slice(prefix.length)
      : error.message;
    return { invariant: error.invariant, message, details: error.details };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const label = typeof code === "string" ? code : error.name;
    return { invariant: `unexpected-error:${label}`, message: error.message, details: {} };
  }
  return { invariant: "unexpected-error:non-error", message: String(error), details: {} };
}
