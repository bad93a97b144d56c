import type { Clock, TimerHandle } from "../../src/time/clock.js";
import { normalizeTimerDelay } from "../../src/time/timer-delay.js";

interface Pending {
  readonly handle: object;
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * A tiny deterministic clock for core's own tests (core tests must not depend on sim-server).
 * Time moves only through {@link ManualClock.advance}; it counts pending timers so tests can
 * assert that nothing was leaked.
 */
export class ManualClock implements Clock {
  #now = 0;
  #seq = 0;
  readonly #timers = new Map<object, Pending>();
  /** Every delay passed to setTimeout, after Node's normalisation. */
  readonly delays: number[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const delay = normalizeTimerDelay(ms);
    this.delays.push(delay);
    const handle = {};
    this.#timers.set(handle, { handle, due: this.#now + delay, seq: this.#seq++, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === "object" && handle !== null) this.#timers.delete(handle);
  }

  /** Timers that have neither fired nor been cleared. */
  pendingTimers(): number {
    return this.#timers.size;
  }

  /** Alias of {@link ManualClock.pendingTimers}. */
  pending(): number {
    return this.#timers.size;
  }

  /** Lets every queued promise job run without moving time. */
  settle(): Promise<void> {
    return flushMicrotasks();
  }

  /**
   * Moves time forward by `ms`, firing due timers in (due time, creation) order and letting the
   * promise jobs they cause run before the next timer fires.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushMicrotasks();
    for (;;) {
      let next: Pending | undefined;
      for (const timer of this.#timers.values()) {
        if (timer.due > target) continue;
        if (
          next === undefined ||
          timer.due < next.due ||
          (timer.due === next.due && timer.seq < next.seq)
        ) {
          next = timer;
        }
      }
      if (next === undefined) break;
      this.#timers.delete(next.handle);
      this.#now = next.due;
      next.callback();
      await flushMicrotasks();
    }
    this.#now = target;
    await flushMicrotasks();
  }
}

/** Lets every queued promise job run (a macrotask boundary; no wall-clock wait is involved). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Counts the abort listeners currently registered on `signal` through add/removeEventListener. */
export function trackAbortListeners(signal: AbortSignal): { count(): number } {
  const live = new Map<unknown, boolean>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: unknown, options?: unknown) => {
    const once =
      typeof options === "object" && options !== null && "once" in options && options.once === true;
    if (type === "abort") live.set(listener, once);
    (add as (t: string, l: unknown, o?: unknown) => void)(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: unknown, options?: unknown) => {
    if (type === "abort") live.delete(listener);
    (remove as (t: string, l: unknown, o?: unknown) => void)(type, listener, options);
  }) as typeof signal.removeEventListener;
  // `{ once: true }` listeners are removed by the platform when they fire.
  add("abort", () => {
    for (const [listener, once] of [...live]) if (once) live.delete(listener);
  });
  return { count: () => live.size };
}
