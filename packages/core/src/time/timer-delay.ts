import { MAX_TIMER_DELAY_MS } from "../validate.js";

/**
 * Applies Node's rule for timer delays, so every {@link Clock} implementation treats odd delays
 * the same way: a delay that is NaN, below 1 ms or above 2³¹−1 ms becomes 1 ms; any other value
 * (fractions included) is kept. Node does this silently (with a process warning); clocks in this
 * project do it explicitly so the simulation and production agree.
 *
 * @param ms - the requested delay; non-number inputs are coerced with `Number()` as Node does.
 * @returns the delay the timer will really use.
 */
export function normalizeTimerDelay(ms: number): number {
  const delay = Number(ms);
  return delay >= 1 && delay <= MAX_TIMER_DELAY_MS ? delay : 1;
}
