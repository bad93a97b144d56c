/**
 * The one place in sim-server that uses real time: it moves a simulation's virtual clock along
 * with the wall clock so that the fakes can serve real clients. The timer functions are taken from
 * `node:timers` and `node:perf_hooks` when the module loads, so a simulation's `installGlobals()`
 * cannot redirect them.
 */
import { performance } from "node:perf_hooks";
import { clearInterval, setInterval } from "node:timers";
import { WireError } from "./wire-error.js";

/** What the driver needs of a `Simulation` (which satisfies it structurally). */
export interface DrivableSimulation {
  now(): number;
  runFor(ms: number): Promise<void>;
}

/** Options of {@link RealTimeDriver}. */
export interface RealTimeDriverOptions {
  /** How often (wall ms) virtual time catches up with wall time. Default 5. */
  readonly tickMs?: number;
  /**
   * Called when a step fails after a good one (a failure that repeats on every step is reported
   * once). The driver keeps going, so the fake recovers once the cause is gone; the last failure is
   * kept in `error` either way.
   */
  readonly onError?: (error: WireError) => void;
}

/**
 * Advances `sim` by the wall time elapsed since the previous step, every `tickMs`. Virtual time
 * therefore lags wall time by at most about one tick plus the time a step takes; steps never
 * overlap (a slow step makes the next one larger instead of queueing). A failing step (a timer
 * that threw) is reported and does not stop the driver: a fake serving real clients must not be
 * wedged by one bad timer. `close()` stops the interval and waits for a step in progress.
 */
export class RealTimeDriver implements AsyncDisposable {
  readonly #sim: DrivableSimulation;
  readonly #onError: ((error: WireError) => void) | undefined;
  readonly #interval: ReturnType<typeof setInterval>;
  readonly #wallStart: number;
  readonly #virtualStart: number;
  #step: Promise<void> | undefined;
  #closed = false;
  #error: WireError | undefined;
  #failing = false;
  #failures = 0;
  #steps = 0;

  constructor(sim: DrivableSimulation, options: RealTimeDriverOptions = {}) {
    if (typeof sim?.runFor !== "function" || typeof sim.now !== "function") {
      throw new TypeError("RealTimeDriver: sim must have now() and runFor(ms)");
    }
    const tickMs = options.tickMs ?? 5;
    if (typeof tickMs !== "number" || !Number.isFinite(tickMs) || tickMs < 1) {
      throw new RangeError(`RealTimeDriver: tickMs must be a finite number >= 1, got ${tickMs}`);
    }
    if (options.onError !== undefined && typeof options.onError !== "function") {
      throw new TypeError("RealTimeDriver: onError must be a function");
    }
    this.#sim = sim;
    this.#onError = options.onError;
    this.#wallStart = performance.now();
    this.#virtualStart = sim.now();
    this.#interval = setInterval(() => this.#tick(), tickMs);
  }

  /** The last failed step's error, if any step failed. */
  get error(): WireError | undefined {
    return this.#error;
  }

  /** Steps that failed so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.#steps;
  }

  /** Wall ms elapsed since the driver started, i.e. the virtual time it is heading for. */
  wallElapsed(): number {
    return performance.now() - this.#wallStart;
  }

  /** Lets virtual time catch up with wall time now (e.g. before reading the world's state). */
  catchUp(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#step === undefined) this.#tick();
    return this.#step ?? Promise.resolve();
  }

  /** Stops driving; resolves once a step in progress has finished. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      clearInterval(this.#interval);
    }
    await this.#step;
  }

  /** Same as {@link RealTimeDriver.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #tick(): void {
    if (this.#closed || this.#step !== undefined) return;
    const target = this.#virtualStart + (performance.now() - this.#wallStart);
    const delta = target - this.#sim.now();
    if (delta <= 0) return;
    this.#steps += 1;
    this.#step = this.#sim.runFor(delta).then(
      () => {
        this.#step = undefined;
        this.#failing = false;
      },
      (cause: unknown) => {
        this.#step = undefined;
        this.#fail(cause);
      },
    );
  }

  #fail(cause: unknown): void {
    if (this.#closed) return;
    this.#failures += 1;
    const message = cause instanceof Error ? cause.message : String(cause);
    this.#error = new WireError("DRIVER_FAILED", `real-time driver step failed: ${message}`, {
      cause,
    });
    if (this.#failing) return;
    this.#failing = true;
    this.#onError?.(this.#error);
  }
}
