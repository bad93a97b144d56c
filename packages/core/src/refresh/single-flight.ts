import { raceSignal } from "./race-signal.js";

/**
 * One shared request. Its life belongs to the refresher, not to any caller: callers {@link join}
 * it with their own signal, and aborting that signal ends only their wait. The request itself is
 * cancelled through {@link Flight.abort} (request timeout, `remove`, `close`).
 */
export class Flight<T> {
  /** Request sequence number within its URL: a later request has a larger number. */
  readonly seq: number;
  /** Clock time at which the request started. */
  readonly startedAt: number;
  /** True when the request was started by the timer rather than by a caller. */
  readonly background: boolean;
  readonly #controller = new AbortController();
  readonly #promise: Promise<T>;
  #settled = false;

  constructor(
    seq: number,
    startedAt: number,
    background: boolean,
    run: (signal: AbortSignal) => Promise<T>,
  ) {
    this.seq = seq;
    this.startedAt = startedAt;
    this.background = background;
    this.#promise = run(this.#controller.signal);
    const markSettled = (): void => {
      this.#settled = true;
    };
    // Nobody may be waiting (background refresh): mark the rejection handled here; joiners get
    // their own derived promises.
    this.#promise.then(markSettled, markSettled);
  }

  /** The request's signal: aborted by {@link abort}. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the request has resolved or rejected. */
  get settled(): boolean {
    return this.#settled;
  }

  /** The shared promise (for the owner, which must settle it before closing). */
  get promise(): Promise<T> {
    return this.#promise;
  }

  /**
   * Waits for the shared result, or rejects with the caller's abort reason when `signal` aborts
   * first. The request goes on for everyone else.
   */
  join(signal: AbortSignal | undefined): Promise<T> {
    return signal === undefined ? this.#promise : raceSignal(this.#promise, signal);
  }

  /** Cancels the request itself (every joiner then sees `reason`). */
  abort(reason: Error): void {
    this.#controller.abort(reason);
  }
}
