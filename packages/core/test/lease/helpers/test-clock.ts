import type { Clock, TimerHandle } from "../../../src/time/clock.js";

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/** A tiny virtual clock for core tests (core tests must not depend on sim-server). */
export class TestClock implements Clock {
  #now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms >= 0 && ms <= 2 ** 31 - 1 ? ms : 1;
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + delay, callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === "number") this.#timers.delete(handle);
  }

  /** Timers not yet fired or cleared. */
  pending(): number {
    return this.#timers.size;
  }

  /** Lets promise jobs run. */
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }

  /** Advances time by `ms`, firing due timers in (time, creation) order and settling after each. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await this.settle();
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.#timers.values()) {
        if (
          t.at <= end &&
          (next === undefined || t.at < next.at || (t.at === next.at && t.id < next.id))
        ) {
          next = t;
        }
      }
      if (next === undefined) break;
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      await this.settle();
    }
    this.#now = end;
    await this.settle();
  }
}
