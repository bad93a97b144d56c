/**
 * An opaque handle returned by {@link Clock.setTimeout}. Only the clock that produced it can
 * interpret it.
 */
export type TimerHandle = { readonly __timerHandle: unique symbol } | object | number;

/**
 * The only source of time for every component in `@dsim/core`.
 *
 * Production code receives {@link systemClock}; the simulation passes a virtual clock whose time
 * advances only when the simulation says so. Core never reads ambient time.
 */
export interface Clock {
  /** Monotonic time in milliseconds. Only differences between two readings are meaningful. */
  now(): number;
  /**
   * Runs `callback` once after `ms` milliseconds. Delays follow Node's rules: a delay above
   * 2³¹−1 ms, negative or NaN is treated as 1 ms.
   */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer. Clearing an unknown or already fired handle does nothing. */
  clearTimeout(handle: TimerHandle): void;
}
