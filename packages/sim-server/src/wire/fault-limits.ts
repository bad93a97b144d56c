import { WireError } from "./wire-error.js";

/**
 * Bounds on control-API fault parameters. They keep a fault from wedging the fake: a delay must
 * fit a timer (2³¹−1 ms; a larger one fires after 1 ms), and sizes and counts must stay what one
 * process can serve.
 */

/** Longest delay or duration a fault may ask for: the largest delay a timer holds. */
export const MAX_FAULT_MS = 2_147_483_647;
/** Largest count (`count`, `chunks`). */
export const MAX_FAULT_COUNT = 1_000_000;
/** Largest `oversized` body: 64 MiB. */
export const MAX_OVERSIZED_BYTES = 64 * 1024 * 1024;
/** Longest string a fault carries (a message, a header value). */
export const MAX_FAULT_TEXT = 8_192;

/**
 * Reads the integer field `name` of a fault and checks it lies in [min, max].
 *
 * @throws WireError `BAD_FAULT` naming the fault kind, the field, the range and the value.
 */
export function intField(
  input: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
): number {
  const value = input[name];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new WireError(
      "BAD_FAULT",
      `fault "${String(input.kind)}": ${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return value;
}
