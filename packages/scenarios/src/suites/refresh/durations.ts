import fc from "fast-check";

/** The largest delay a JavaScript timer honours (2³¹−1 ms ≈ 24.8 days); above it Node fires after 1 ms. */
export const TIMER_LIMIT_MS = 2_147_483_647;
const DAY_MS = 86_400_000;
/** The longest generated duration: about three months. */
export const LONGEST_MS = 92 * DAY_MS;

/**
 * Durations far from the dense short range the suite mostly draws: minutes to months, with the
 * timer limit inside the range and values just below, at and just above it (where a single timer
 * overflows and a chain must take over).
 */
const longMs: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 61, max: 86_400 }).map((s) => s * 1_000),
  fc.integer({ min: 1, max: 92 }).map((d) => d * DAY_MS),
  fc.integer({ min: -2_000, max: 2_000 }).map((d) => TIMER_LIMIT_MS + d),
  fc.constantFrom(TIMER_LIMIT_MS, TIMER_LIMIT_MS + 1, 30 * DAY_MS, LONGEST_MS),
);

/**
 * A duration in ms: mostly (`shortWeight` out of `shortWeight + 1`) whole seconds in
 * [`minS`, `maxS`], else a long one from minutes to months around the timer limit.
 */
export function durationMs(minS: number, maxS: number, shortWeight = 6): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: shortWeight, arbitrary: fc.integer({ min: minS, max: maxS }).map((s) => s * 1_000) },
    { weight: 1, arbitrary: longMs },
  );
}

/**
 * A header lifetime in whole seconds (what `max-age` and `Expires − Date` carry): mostly in
 * [`minS`, `maxS`], else minutes to months around the timer limit, or the delta-seconds clamp.
 */
export function lifetimeSeconds(minS: number, maxS: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: minS, max: maxS }) },
    { weight: 1, arbitrary: longMs.map((ms) => Math.floor(ms / 1_000)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        Math.floor(TIMER_LIMIT_MS / 1_000),
        Math.ceil(TIMER_LIMIT_MS / 1_000),
        30 * 86_400,
      ),
    },
  );
}
