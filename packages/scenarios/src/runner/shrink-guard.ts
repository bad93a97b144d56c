import fc from "fast-check";
import type { WallClock } from "./execute-case.js";
import type { ShrinkStop } from "./types.js";

/** Options of {@link ShrinkGuard}. */
export interface ShrinkGuardOptions {
  readonly wallClock: WallClock;
  /** Wall ms shrinking may take, from the first failure. */
  readonly timeMs: number;
  /** Shrink candidates that may be executed. */
  readonly steps: number;
  /** True once the run's own time budget (`--time-budget`) is spent. */
  readonly runBudgetSpent: () => boolean;
}

/**
 * Bounds shrinking and makes sure it progresses. fast-check shrinks for as long as candidates
 * fail, and a suite's shrinker may cycle (a plan that shrinks back into an earlier plan) or run
 * for a very long time; the guard refuses candidates once a budget is spent and refuses a failing
 * candidate that repeats an earlier counterexample. A refused candidate is reported to fast-check
 * as a pass, so the smallest failing case found so far stays the counterexample and its path still
 * replays. {@link ShrinkGuard.stop} says why shrinking ended early, if it did.
 */
export class ShrinkGuard {
  readonly #options: ShrinkGuardOptions;
  readonly #seen = new Set<string>();
  #started: number | undefined;
  #attempts = 0;
  #stop: ShrinkStop | undefined;

  constructor(options: ShrinkGuardOptions) {
    this.#options = options;
  }

  /** Why shrinking stopped before fast-check ran out of candidates; `undefined` when it did not. */
  get stop(): ShrinkStop | undefined {
    return this.#stop;
  }

  /** Shrink candidates admitted so far. */
  get attempts(): number {
    return this.#attempts;
  }

  /** Whether the next shrink candidate may be executed; counts it when it may. */
  admit(): boolean {
    if (this.#stop !== undefined) return false;
    const { wallClock, timeMs, steps, runBudgetSpent } = this.#options;
    if (runBudgetSpent()) this.#stop = "time-budget";
    else if (wallClock() - (this.#started ?? wallClock()) >= timeMs) this.#stop = "shrink-time";
    else if (this.#attempts >= steps) this.#stop = "shrink-steps";
    if (this.#stop !== undefined) return false;
    this.#attempts += 1;
    return true;
  }

  /**
   * Records a failing case; returns false (and stops shrinking) when a shrink candidate repeats an
   * earlier counterexample. `shrinking` is false for the generated run that failed first.
   */
  accept(value: unknown, shrinking: boolean): boolean {
    if (!shrinking) this.#started = this.#options.wallClock();
    const key = fc.stringify(value);
    if (shrinking && this.#seen.has(key)) {
      this.#stop = "cycle";
      return false;
    }
    this.#seen.add(key);
    return true;
  }
}
