import {
  MAX_TIMER_DELAY_MS,
  requireFiniteDuration,
  requireFiniteNumber,
  requireSignal,
} from "../validate.js";
import { abortReason } from "./abort.js";
import type { Clock } from "./clock.js";

/**
 * Resolves after `ms` milliseconds of `clock` time, or rejects with `signal.reason` as soon as
 * `signal` aborts. Either way the timer is cleared and the abort listener removed before the
 * promise settles, so a finished sleep owns nothing.
 *
 * An already aborted signal rejects at once without creating a timer. `ms` of 0 still waits for a
 * timer (1 ms under Node's rule), like `setTimeout(fn, 0)`.
 *
 * @param clock - the clock to wait on.
 * @param ms - a finite delay in [0, 2³¹−1] ms.
 * @param signal - optional cancellation.
 * @throws TypeError or RangeError (synchronously) for an invalid `ms` or `signal`.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  // Hot path (simulations run millions of these): a valid delay and no signal means there is
  // nothing to validate further and no listener to remove, so the timer resolves the promise
  // directly. Anonymous arrows on purpose: a named closure costs a `__name` call per sleep under
  // tsx/esbuild's keepNames. Anything else takes the full validation below.
  if (signal === undefined && typeof ms === "number" && ms >= 0 && ms <= MAX_TIMER_DELAY_MS) {
    return timerPromise(clock, ms);
  }
  requireFiniteDuration("ms", ms);
  requireSignal("signal", signal, { optional: true });
  // Unreachable in practice (a valid `ms` without a signal took the fast path); kept so that
  // `signal` is narrowed to an AbortSignal below.
  if (signal === undefined) return timerPromise(clock, ms);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(abortReason(signal));
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** A promise resolved by one timer of `clock` after `ms` (already validated). */
function timerPromise(clock: Clock, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    clock.setTimeout(() => resolve(), ms);
  });
}

/**
 * Resolves once `clock.now()` has reached `deadline` (the spec's `SleepUntil`); a deadline in the
 * past still waits for one timer turn, like `sleep(clock, 0)`. Same cancellation and cleanup as
 * {@link sleep}.
 *
 * @param clock - the clock to wait on.
 * @param deadline - an absolute time on `clock`, at most 2³¹−1 ms ahead.
 * @param signal - optional cancellation.
 * @throws TypeError or RangeError (synchronously) for a non-finite or too distant deadline.
 */
export function sleepUntil(clock: Clock, deadline: number, signal?: AbortSignal): Promise<void> {
  requireFiniteNumber("deadline", deadline);
  return sleep(clock, Math.max(0, deadline - clock.now()), signal);
}
