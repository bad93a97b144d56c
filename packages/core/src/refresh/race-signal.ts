import { abortReason } from "../time/abort.js";

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as `signal` aborts — even if
 * `promise` never settles (an HTTP client that ignores its signal must not hang the refresher).
 * The abort listener is removed once either side wins, and a late rejection of `promise` is
 * swallowed so it cannot surface as an unhandled rejection.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
