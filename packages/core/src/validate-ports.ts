import type { Logger } from "./log/logger.js";
import type { Random } from "./random/random.js";
import type { Clock } from "./time/clock.js";
import { requireFunction, requireObject } from "./validate.js";

/**
 * Up-front checks of the ports a component is handed. A port with a missing method would
 * otherwise fail much later, inside a timer callback or an error handler, with a message such as
 * `this.#clock.now is not a function` that hides what was wrong.
 */

function requireMethods(name: string, value: object, methods: readonly string[]): void {
  for (const method of methods) {
    requireFunction(`${name}.${method}`, (value as Record<string, unknown>)[method]);
  }
}

/**
 * Requires a {@link Clock}: an object with `now`, `setTimeout` and `clearTimeout`.
 *
 * @throws TypeError naming `name` or the missing method (`"clock.now"`).
 */
export function requireClock(name: string, value: unknown): Clock {
  const clock = requireObject(name, value);
  requireMethods(name, clock, ["now", "setTimeout", "clearTimeout"]);
  return clock as Clock;
}

/**
 * Requires a {@link Random}: an object with `next`.
 *
 * @throws TypeError naming `name` or `"random.next"`.
 */
export function requireRandom(name: string, value: unknown): Random {
  const random = requireObject(name, value);
  requireMethods(name, random, ["next"]);
  return random as Random;
}

/**
 * Requires an optional {@link Logger}: `undefined`, or an object with `log`.
 *
 * @throws TypeError naming `name` or `"logger.log"`.
 */
export function requireOptionalLogger(name: string, value: unknown): Logger | undefined {
  if (value === undefined) return undefined;
  const logger = requireObject(name, value);
  requireMethods(name, logger, ["log"]);
  return logger as Logger;
}
