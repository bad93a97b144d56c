/**
 * Up-front argument and option validation shared by every module.
 *
 * Invalid arguments are programming errors, so they are reported synchronously with a
 * `TypeError` (wrong type) or a `RangeError` (right type, unacceptable value) whose message names
 * the option, states the rule and shows the value received. Runtime failures use `DsimError`.
 *
 * Every helper returns the value with a narrowed type, so a call reads as an assignment:
 * `const capacity = requireInteger("capacity", options.capacity, { min: 0 });`
 */

/** The largest delay Node's timers honour (2³¹−1 ms); larger delays are silently turned into 1 ms. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** Inclusive bounds for numeric validation. */
export interface NumberRange {
  /** Smallest accepted value (inclusive). */
  readonly min?: number;
  /** Largest accepted value (inclusive). */
  readonly max?: number;
}

/** Inclusive bounds for bigint validation. */
export interface BigintRange {
  /** Smallest accepted value (inclusive). */
  readonly min?: bigint;
  /** Largest accepted value (inclusive). */
  readonly max?: bigint;
}

/** Renders a received value for an error message without throwing on any input. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "bigint":
      return `${value}n`;
    case "number":
    case "boolean":
    case "undefined":
    case "symbol":
      return String(value);
    case "function":
      return "a function";
    default:
      if (value === null) return "null";
      if (Array.isArray(value)) return "an array";
      return "an object";
  }
}

function rangeText(range: NumberRange | BigintRange): string {
  const parts: string[] = [];
  if (range.min !== undefined) parts.push(`>= ${String(range.min)}`);
  if (range.max !== undefined) parts.push(`<= ${String(range.max)}`);
  return parts.length === 0 ? "" : ` ${parts.join(" and ")}`;
}

/**
 * Requires a finite number within `range`.
 *
 * @throws TypeError when `value` is not a number.
 * @throws RangeError when it is NaN, ±Infinity or outside `range`.
 */
export function requireFiniteNumber(name: string, value: unknown, range: NumberRange = {}): number {
  if (typeof value !== "number") {
    throw new TypeError(`"${name}" must be a number, got ${describeValue(value)}`);
  }
  if (
    !Number.isFinite(value) ||
    (range.min !== undefined && value < range.min) ||
    (range.max !== undefined && value > range.max)
  ) {
    throw new RangeError(
      `"${name}" must be a finite number${rangeText(range)}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * Requires a safe integer within `range`.
 *
 * @throws TypeError when `value` is not a number.
 * @throws RangeError when it is NaN, infinite, fractional, unsafe or outside `range`.
 */
export function requireInteger(name: string, value: unknown, range: NumberRange = {}): number {
  if (typeof value !== "number") {
    throw new TypeError(`"${name}" must be an integer, got ${describeValue(value)}`);
  }
  if (
    !Number.isSafeInteger(value) ||
    (range.min !== undefined && value < range.min) ||
    (range.max !== undefined && value > range.max)
  ) {
    throw new RangeError(
      `"${name}" must be an integer${rangeText(range)}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * Requires a duration in milliseconds: a finite number, by default within
 * [0, {@link MAX_TIMER_DELAY_MS}] so that it can be handed to a timer without Node's silent
 * clamp to 1 ms. Fractional milliseconds are accepted.
 *
 * @throws TypeError when `value` is not a number.
 * @throws RangeError when it is NaN, infinite or outside the range.
 */
export function requireFiniteDuration(
  name: string,
  value: unknown,
  range: NumberRange = {},
): number {
  return requireFiniteNumber(name, value, {
    min: range.min ?? 0,
    max: range.max ?? MAX_TIMER_DELAY_MS,
  });
}

/**
 * Requires a bigint within `range` (lease IDs, revisions).
 *
 * @throws TypeError when `value` is not a bigint.
 * @throws RangeError when it is outside `range`.
 */
export function requireBigint(name: string, value: unknown, range: BigintRange = {}): bigint {
  if (typeof value !== "bigint") {
    throw new TypeError(`"${name}" must be a bigint, got ${describeValue(value)}`);
  }
  if (
    (range.min !== undefined && value < range.min) ||
    (range.max !== undefined && value > range.max)
  ) {
    throw new RangeError(
      `"${name}" must be a bigint${rangeText(range)}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * Requires a function.
 *
 * @throws TypeError when `value` is not callable.
 */
export function requireFunction<
  F extends (...args: never[]) => unknown = (...args: never[]) => unknown,
>(name: string, value: unknown): F {
  if (typeof value !== "function") {
    throw new TypeError(`"${name}" must be a function, got ${describeValue(value)}`);
  }
  return value as F;
}

/**
 * Requires a string, optionally non-empty.
 *
 * @throws TypeError when `value` is not a string.
 * @throws RangeError when `nonEmpty` is set and the string is empty.
 */
export function requireString(
  name: string,
  value: unknown,
  options: { readonly nonEmpty?: boolean } = {},
): string {
  if (typeof value !== "string") {
    throw new TypeError(`"${name}" must be a string, got ${describeValue(value)}`);
  }
  if (options.nonEmpty === true && value.length === 0) {
    throw new RangeError(`"${name}" must be a non-empty string`);
  }
  return value;
}

/**
 * Requires a boolean.
 *
 * @throws TypeError when `value` is not a boolean.
 */
export function requireBoolean(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`"${name}" must be a boolean, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Requires one of a fixed set of values (compared with `===`).
 *
 * @throws TypeError when `value` is not one of `allowed`.
 */
export function requireOneOf<const T>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new TypeError(
      `"${name}" must be one of ${allowed.map(describeValue).join(", ")}, got ${describeValue(value)}`,
    );
  }
  return value as T;
}

/**
 * Requires an `AbortSignal`, or `undefined` when the signal is optional.
 *
 * @throws TypeError when `value` is neither an `AbortSignal` nor (when allowed) `undefined`.
 */
export function requireSignal(name: string, value: unknown): AbortSignal;
export function requireSignal(
  name: string,
  value: unknown,
  options: { readonly optional: true },
): AbortSignal | undefined;
export function requireSignal(
  name: string,
  value: unknown,
  options: { readonly optional?: boolean } = {},
): AbortSignal | undefined {
  if (value === undefined && options.optional === true) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw new TypeError(`"${name}" must be an AbortSignal, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Requires a non-null object (options bags); `undefined` is accepted when `optional` is set.
 *
 * @throws TypeError otherwise.
 */
export function requireObject(name: string, value: unknown): object;
export function requireObject(
  name: string,
  value: unknown,
  options: { readonly optional: true },
): object | undefined;
export function requireObject(
  name: string,
  value: unknown,
  options: { readonly optional?: boolean } = {},
): object | undefined {
  if (value === undefined && options.optional === true) return undefined;
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`"${name}" must be an object, got ${describeValue(value)}`);
  }
  return value;
}
