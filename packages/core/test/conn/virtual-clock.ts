import type { Clock, TimerHandle } from "../../src/time/clock.js";

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/** Lets every pending promise job run (a macrotask boundary drains the microtask queue). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A tiny virtual clock for core's unit tests (core tests must not depend on sim-server). Time
 * moves only in {@link VirtualClock.advance}, which fires due timers in order and lets promise
 * jobs settle after each one.
 */
export class VirtualClock implements Clock {
  #now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const delay = Number.isNaN(ms) || ms < 1 || ms > 2_147_483_647 ? 1 : ms;
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + delay, callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === "number") this.#timers.delete(handle);
  }

  /** Timers that have neither fired nor been cleared. */
  pending(): number {
    return this.#timers.size;
  }

  /** Advances time by `ms`, firing due timers in (time, creation) order. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await flush();
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.#timers.values()) {
        if (
          timer.at <= end &&
          (next === undefined || timer.at < next.at || (timer.at === next.at && timer.id < next.id))
        ) {
          next = timer;
        }
      }
      if (next === undefined) break;
      this.#timers.delete(next.id);
      this.#now = next.at;
      next.callback();
      await flush();
    }
    this.#now = end;
    await flush();
  }
}
