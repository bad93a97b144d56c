import type { LogFields } from "./logger.js";

/**
 * Serialises log fields to JSON. Bigints (lease IDs) are written as decimal strings, errors as
 * `{ name, message }`, and values JSON cannot represent (cycles) as a placeholder, so logging
 * never throws.
 */
export function formatLogFields(fields: LogFields): string {
  try {
    return JSON.stringify(fields, (_key, value: unknown) => {
      if (typeof value === "bigint") return value.toString();
      if (value instanceof Error) return { name: value.name, message: value.message };
      return value;
    });
  } catch {
    return '"[unserialisable fields]"';
  }
}
