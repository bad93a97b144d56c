/** The largest delay Node honours (2³¹−1 ms); Node turns anything larger into 1 ms. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * Node's rule for a timer delay: NaN, anything below 1 ms and anything above 2³¹−1 ms becomes 1 ms;
 * other values (fractions included) are kept. Same rule as `normalizeTimerDelay` in `@dsim/core`,
 * restated here so the kernel's hot path does not load core at run time.
 */
export function normalizeDelay(ms: number): number {
  const delay = Number(ms);
  return delay >= 1 && delay <= MAX_TIMER_DELAY_MS ? delay : 1;
}

/**
 * True for the delays Node warns about (negative, NaN, above 2³¹−1) — the ones the kernel traces as
 * `kernel.timer-clamped`. A delay in [0, 1) is ordinary (`setTimeout(fn, 0)`) and is not reported.
 */
export function isSuspiciousDelay(ms: number): boolean {
  const delay = Number(ms);
  return !(delay >= 0 && delay <= MAX_TIMER_DELAY_MS);
}
