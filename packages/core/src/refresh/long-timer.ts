import type { Clock, TimerHandle } from "../time/clock.js";
import { MAX_TIMER_DELAY_MS } from "../validate.js";

/**
 * A one-shot timer for delays of any length. Clock timers (like Node's) turn a delay above
 * 2³¹−1 ms (≈24.8 days) into 1 ms, which would make a 30-day `max-age` refresh at once; this
 * timer waits in steps of at most 2³¹−1 ms and fires only once the whole delay has passed.
 */
export class LongTimer {
  readonly #clock: Clock;
  readonly #dueAt: number;
  readonly #callback: () => void;
  #handle: TimerHandle | undefined;

  /** Starts the timer. `delayMs` must be finite and ≥ 0 (callers validate it). */
  constructor(clock: Clock, delayMs: number, callback: () => void) {
    this.#clock = clock;
    this.#dueAt = clock.now() + delayMs;
    this.#callback = callback;
    this.#arm();
  }

  /** The clock time at which the callback runs. */
  get dueAt(): number {
    return this.#dueAt;
  }

  /** True until the callback has run or the timer was cancelled. */
  get pending(): boolean {
    return this.#handle !== undefined;
  }

  /** Stops the timer; the callback will not run. Idempotent. */
  cancel(): void {
    if (this.#handle !== undefined) {
      this.#clock.clearTimeout(this.#handle);
      this.#handle = undefined;
    }
  }

  #arm(): void {
    const remaining = this.#dueAt - this.#clock.now();
    // A zero delay would be read as "1 ms" anyway; ask for 1 ms explicitly to avoid the clamp path.
    const step = Math.min(Math.max(remaining, 1), MAX_TIMER_DELAY_MS);
    this.#handle = this.#clock.setTimeout(() => {
      if (this.#clock.now() < this.#dueAt) {
        this.#arm();
        return;
      }
      this.#handle = undefined;
      this.#callback();
    }, step);
  }
}
