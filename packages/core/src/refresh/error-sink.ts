/** One failed request, as delivered to an {@link ErrorSink}. */
export interface RefreshFailure {
  /** The registered URL. */
  readonly url: string;
  /** The error: a `RefreshError` (`HTTP_STATUS`, `FETCH_FAILED`, `BODY_INVALID`…) or a `DsimError` `TIMEOUT`. */
  readonly error: Error;
  /** Clock time at which the request failed. */
  readonly at: number;
  /** True when the request was a background refresh (no caller was waiting for it). */
  readonly background: boolean;
}

/**
 * Receives every failed request. Called synchronously and must not block; an exception thrown by
 * the sink is caught and dropped, so a faulty sink cannot stop the refresher. An async sink's
 * promise is not awaited, and its rejection is dropped too. A sink that needs to buffer should
 * use a bounded queue that drops when full.
 */
export type ErrorSink = (failure: RefreshFailure) => void;

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** Calls `sink` (if any) with `failure`, swallowing whatever it throws or rejects with. */
export function deliverFailure(sink: ErrorSink | undefined, failure: RefreshFailure): void {
  if (sink === undefined) return;
  try {
    const result: unknown = sink(failure);
    // An async sink that rejects would otherwise be an unhandled rejection, which ends a Node
    // process by default: the same sink failure that the catch below keeps harmless.
    if (isPromiseLike(result)) result.then(undefined, () => undefined);
  } catch {
    // A sink's own failure must not turn into a refresher failure (see ErrorSink).
  }
}
