/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit order), no whitespace, bigint written as
 * a decimal string, non-finite numbers as `null` (as `JSON.stringify` does) and `undefined`
 * properties omitted. Two equal values always give the same text, which is what the trace digest
 * relies on.
 *
 * @throws TypeError for values JSON cannot represent (functions, symbols) and for cycles.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, seen: Set<object>): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return `"${value.toString()}"`;
    case "object":
      if (value === null) return "null";
      return writeObject(value, seen);
    default:
      throw new TypeError(`canonical JSON cannot represent a ${typeof value}`);
  }
}

function writeObject(value: object, seen: Set<object>): string {
  if (seen.has(value)) throw new TypeError("canonical JSON cannot represent a cycle");
  seen.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = `[${value.map((item: unknown) => (item === undefined ? "null" : write(item, seen))).join(",")}]`;
  } else {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${write(item, seen)}`);
    }
    out = `{${parts.join(",")}}`;
  }
  seen.delete(value);
  return out;
}
