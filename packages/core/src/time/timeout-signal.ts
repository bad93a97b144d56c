import { requireFiniteDuration, requireFiniteNumber, requireSignal } from "../validate.js";
import { abortReason, timeoutError } from "./abort.js";
import type { Clock, TimerHandle } from "./clock.js";

/**
 * A signal that aborts after a delay on an injected clock, and the means to stop it.
 *
 * Always call {@link TimeoutSignal.clear} (or use `using`) once the guarded operation is over:
 * it releases the timer and the listener on the parent signal. After `clear()` the signal never
 * aborts unless it already had.
 */
export interface TimeoutSignal extends Disposable {
  /** Aborts with a `TimeoutError` `DOMException` after the delay, or with the parent's reason. */
  readonly signal: AbortSignal;
  /** Removes the timer and the parent listener. Idempotent. */
  clear(): void;
  /** Same as {@link TimeoutSignal.clear}. */
  [Symbol.dispose](): void;
}

/**
 * The clock-driven replacement for `AbortSignal.timeout` (which runs on real time and cannot be
 * cleared). The returned signal aborts
 * - with `DOMException(…, "TimeoutError")` once `ms` milliseconds of `clock` time have passed, or
 * - with `parent.reason` as soon as `parent` aborts (at once if it already has, with no timer).
 *
 * Whichever happens first releases the other resource, so an aborted `TimeoutSignal` owns nothing
 * even without `clear()`.
 *
 * @param clock - the clock the delay runs on.
 * @param ms - a finite delay in [0, 2³¹−1] ms.
 * @param parent - an optional signal whose abort is forwarded.
 * @throws TypeError or RangeError (synchronously) for an invalid `ms` or `parent`.
 */
export function timeoutSignal(clock: Clock, ms: number, parent?: AbortSignal): TimeoutSignal {
  requireFiniteDuration("ms", ms);
  requireSignal("parent", parent, { optional: true });
  const controller = new AbortController();
  let handle: TimerHandle | undefined;

  const clear = (): void => {
    if (handle !== undefined) {
      clock.clearTimeout(handle);
      handle = undefined;
    }
    parent?.removeEventListener("abort", onParentAbort);
  };
  const onParentAbort = (): void => {
    clear();
    controller.abort(abortReason(parent as AbortSignal));
  };

  if (parent?.aborted === true) {
    controller.abort(abortReason(parent));
  } else {
    handle = clock.setTimeout(() => {
      handle = undefined;
      clear();
      controller.abort(timeoutError(ms));
    }, ms);
    parent?.addEventListener("abort", onParentAbort, { once: true });
  }

  return { signal: controller.signal, clear, [Symbol.dispose]: clear };
}

/**
 * {@link timeoutSignal} for an absolute deadline on `clock` (a connect deadline, an RPC deadline):
 * aborts with a `TimeoutError` once `clock.now()` reaches `deadline`. A deadline that has already
 * passed still waits for one timer turn, so the caller can rely on the signal aborting
 * asynchronously.
 *
 * @throws TypeError or RangeError (synchronously) for a non-finite or too distant deadline.
 */
export function deadlineSignal(
  clock: Clock,
  deadline: number,
  parent?: AbortSignal,
): TimeoutSignal {
  requireFiniteNumber("deadline", deadline);
  return timeoutSignal(clock, Math.max(0, deadline - clock.now()), parent);
}
