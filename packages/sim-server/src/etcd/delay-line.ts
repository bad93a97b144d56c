import type { Clock, TimerHandle } from "@dsim/core";

type Run = (a: unknown, b: unknown) => void;

/**
 * A one-way, in-order delivery line with a latency. Deliveries scheduled for the same instant share
 * one timer, so a burst of keep-alives costs one timer event, not one per message. Order is kept
 * even when the latency drops: a message never overtakes one sent before it.
 */
export class DelayLine {
  readonly #clock: Clock;
  readonly #at: number[] = [];
  readonly #run: Run[] = [];
  readonly #a: unknown[] = [];
  readonly #b: unknown[] = [];
  #head = 0;
  #last = Number.NEGATIVE_INFINITY;
  #timer: TimerHandle | undefined;
  #closed = false;
  readonly #onTimer = (): void => this.#fire();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Items not yet delivered. */
  get pending(): number {
    return this.#at.length - this.#head;
  }

  /**
   * Runs `run(a, b)` after `delayMs`, but never before anything pushed earlier. The arguments are
   * passed separately so that hot paths need not allocate a closure per message.
   */
  push<A, B>(delayMs: number, run: (a: A, b: B) => void, a: A, b: B): void {
    if (this.#closed) return;
    const at = Math.max(this.#clock.now() + Math.max(0, delayMs), this.#last);
    this.#last = at;
    this.#at.push(at);
    this.#run.push(run as Run);
    this.#a.push(a);
    this.#b.push(b);
    if (this.#timer === undefined) this.#arm();
  }

  /** Drops everything pending and stops; later pushes are ignored. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at.length = 0;
    this.#run.length = 0;
    this.#a.length = 0;
    this.#b.length = 0;
    this.#head = 0;
  }

  #arm(): void {
    const next = this.#at[this.#head];
    if (next === undefined) return;
    this.#timer = this.#clock.setTimeout(this.#onTimer, Math.max(0, next - this.#clock.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    while (!this.#closed) {
      const i = this.#head;
      const at = this.#at[i];
      if (at === undefined || at > now) break;
      this.#head += 1;
      const run = this.#run[i] as Run;
      const a = this.#a[i];
      const b = this.#b[i];
      this.#a[i] = undefined;
      this.#b[i] = undefined;
      run(a, b);
    }
    if (this.#closed) return;
    if (this.#head > 1024 && this.#head * 2 > this.#at.length) {
      this.#at.splice(0, this.#head);
      this.#run.splice(0, this.#head);
      this.#a.splice(0, this.#head);
      this.#b.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#timer === undefined) this.#arm();
  }
}
