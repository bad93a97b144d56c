/**
 * Small helpers around `AbortSignal`, the project's single cancellation mechanism (Go's
 * `context`, seed 004).
 */

/**
 * The error an aborted signal stands for: its `reason`, or a standard `AbortError`
 * `DOMException` when the reason is `undefined` (which `abort(undefined)` cannot produce on
 * Node, but a hand-written signal could).
 */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason === undefined
    ? new DOMException("This operation was aborted", "AbortError")
    : signal.reason;
}

/** Throws the signal's {@link abortReason} when it is aborted; does nothing for `undefined`. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortReason(signal);
}

/** A `DOMException` named `TimeoutError`, the reason a {@link timeoutSignal} aborts with. */
export function timeoutError(ms: number): DOMException {
  return new DOMException(`The operation timed out after ${ms} ms`, "TimeoutError");
}

/** True when `error` is a `TimeoutError` (as produced by {@link timeoutSignal}). */
export function isTimeoutError(error: unknown): error is DOMException {
  return error instanceof DOMException && error.name === "TimeoutError";
}

/** True when `error` is an `AbortError` `DOMException` (the default abort reason). */
export function isAbortError(error: unknown): error is DOMException {
  return error instanceof DOMException && error.name === "AbortError";
}
