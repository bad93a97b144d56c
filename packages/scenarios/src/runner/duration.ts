const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a human duration such as `30s`, `1.5m`, `500ms` or `2h` into milliseconds. A bare number
 * means seconds. Throws a `RangeError` naming the value when it cannot be parsed or is not positive.
 */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) {
    throw new RangeError(`invalid duration "${text}": expected e.g. 30s, 500ms, 2m`);
  }
  const unit = UNIT_MS[match[2] ?? "s"] ?? 1000;
  const ms = Number(match[1]) * unit;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(`invalid duration "${text}": must be greater than zero`);
  }
  return ms;
}
