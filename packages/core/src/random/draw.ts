import { requireFiniteNumber, requireInteger } from "../validate.js";
import type { Random } from "./random.js";

/**
 * Draws one number from `random` and checks the port's contract ([0, 1)), so a broken
 * implementation fails loudly instead of producing out-of-range delays or indices.
 *
 * @throws RangeError when `random.next()` returns something outside [0, 1).
 */
export function drawUnit(random: Random): number {
  const value = random.next();
  if (!(typeof value === "number" && value >= 0 && value < 1)) {
    throw new RangeError(`Random.next() must return a number in [0, 1), got ${String(value)}`);
  }
  return value;
}

/**
 * A uniformly distributed integer in [min, maxExclusive), using one draw.
 *
 * @throws TypeError or RangeError when the bounds are not safe integers with `min < maxExclusive`.
 */
export function randomInt(random: Random, min: number, maxExclusive: number): number {
  requireInteger("min", min);
  requireInteger("maxExclusive", maxExclusive, { min: min + 1 });
  const value = min + Math.floor(drawUnit(random) * (maxExclusive - min));
  // Rounding can reach the upper bound for very wide ranges; keep the documented half-open range.
  return Math.min(value, maxExclusive - 1);
}

/**
 * A uniformly distributed number in [min, max) (exactly `min` when `min === max`), using one draw.
 *
 * @throws TypeError or RangeError when the bounds are not finite numbers with `min <= max`.
 */
export function randomBetween(random: Random, min: number, max: number): number {
  requireFiniteNumber("min", min);
  requireFiniteNumber("max", max, { min });
  const value = min + drawUnit(random) * (max - min);
  // Floating-point rounding may land on max; stay inside the half-open interval when possible.
  return value < max || min === max ? value : min;
}
