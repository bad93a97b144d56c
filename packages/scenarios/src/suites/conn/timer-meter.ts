import type { Clock } from "@dsim/core";

/** Timer firings of the channel per virtual second above which it is a busy timer loop. */
export const BUSY_TIMER_FIRES_PER_SECOND = 500;

/** A clock that counts the firings of the timers set through it. */
export interface TimerMeter {
  readonly clock: Clock;
  /** True once more than the allowed timers (default {@link BUSY_TIMER_FIRES_PER_SECOND}) fired within one second. */
  readonly busy: boolean;
  /** The busiest second seen: its start and its firings. */
  readonly peak: { readonly at: number; readonly fires: number };
}

/**
 * Wraps the channel's clock to meter how often its timers fire. A client whose longest timer is a
 * keepalive of days must not fire thousands of timers a second: that is a timer loop (Node, and
 * every dsim clock, fires a delay above 2^31-1 ms after 1 ms), a CPU burn that sends nothing and
 * that no message-level invariant sees. `allowed` raises the bound for a backoff policy that itself
 * retries every few ms.
 */
export function meterTimers(inner: Clock, allowed = BUSY_TIMER_FIRES_PER_SECOND): TimerMeter {
  let second = Number.NEGATIVE_INFINITY;
  let fires = 0;
  let busy = false;
  let peak = { at: 0, fires: 0 };
  const fired = (): void => {
    const now = inner.now();
    if (now >= second + 1_000) {
      second = now;
      fires = 0;
    }
    fires += 1;
    if (fires > peak.fires) peak = { at: second, fires };
    if (fires > allowed) busy = true;
  };
  return {
    clock: {
      now: () => inner.now(),
      setTimeout: (callback, ms) =>
        inner.setTimeout(() => {
          fired();
          callback();
        }, ms),
      clearTimeout: (handle) => inner.clearTimeout(handle),
    },
    get busy() {
      return busy;
    },
    get peak() {
      return peak;
    },
  };
}
