import type { Clock, TimerHandle } from "./clock.js";
import { normalizeTimerDelay } from "./timer-delay.js";

/**
 * The real clock: `performance.now()` for time and the global timers for delays. This is the one
 * place in `@dsim/core` where ambient time is allowed; components receive it only when production
 * code passes it in.
 *
 * Delays follow Node's rule (see {@link normalizeTimerDelay}): NaN, negative, zero and anything
 * above 2³¹−1 ms fire after 1 ms. The delay is normalised here rather than by Node so that no
 * `TimeoutOverflowWarning`/`TimeoutNegativeWarning` is printed. Timers keep the process alive, as
 * plain `setTimeout` does.
 */
export const systemClock: Clock = Object.freeze({
  now(): number {
    return performance.now();
  },
  setTimeout(callback: () => void, ms: number): TimerHandle {
    return globalThis.setTimeout(callback, normalizeTimerDelay(ms));
  },
  clearTimeout(handle: TimerHandle): void {
    // A handle from another clock is not a Node Timeout; clearTimeout ignores unknown values.
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
  },
});
