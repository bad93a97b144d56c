import { parseCacheControl, parseDeltaSeconds } from "./cache-control.js";
import { checkHeaderValue } from "./header-value.js";
import { parseHttpDate } from "./http-date.js";

/** The header lookup the freshness rules need (a fetch `Headers` satisfies it). */
export interface HeaderLookup {
  /** The field value, several lines joined with `", "`, or `null` when absent. */
  get(name: string): string | null;
}

/**
 * How long a response stays fresh from the moment it arrived, in milliseconds, following RFC 9111
 * for a private cache:
 *
 * - `Cache-Control` present: `no-cache`/`no-store` or any parse error → 0 (stale); `max-age`
 *   → its lifetime. If `max-age` is present `Expires` is ignored.
 * - else `Expires`: lifetime = `Expires − Date` (both server clock, so no wall clock is needed);
 *   an invalid `Expires` (e.g. `0`) → 0; a missing or invalid `Date` → unknown, because relating
 *   `Expires` to "now" would need a wall clock that core does not read.
 * - remaining = lifetime − current age, where current age = `Age` (first list member; an invalid
 *   `Age` is ignored) + the time the request took (`responseDelayMs`).
 *
 * @returns the remaining freshness (≥ 0), or `undefined` when the headers say nothing.
 */
export function remainingFreshnessMs(
  headers: HeaderLookup,
  responseDelayMs: number,
): number | undefined {
  const lifetime = lifetimeMs(headers);
  if (lifetime === undefined) return undefined;
  return Math.max(0, lifetime - currentAgeMs(headers) - Math.max(0, responseDelayMs));
}

function lifetimeMs(headers: HeaderLookup): number | undefined {
  const cacheControl = headers.get("cache-control");
  if (cacheControl !== null) {
    try {
      const parsed = parseCacheControl(cacheControl);
      if (parsed.noCache || parsed.noStore) return 0;
      if (parsed.maxAge !== undefined) return parsed.maxAge * 1000;
    } catch {
      return 0;
    }
  }
  const expires = headers.get("expires");
  if (expires === null) return undefined;
  let expiresAt: number;
  try {
    expiresAt = parseHttpDate(expires);
  } catch {
    return 0;
  }
  const date = headers.get("date");
  if (date === null) return undefined;
  try {
    return Math.max(0, expiresAt - parseHttpDate(date));
  } catch {
    return undefined;
  }
}

function currentAgeMs(headers: HeaderLookup): number {
  const age = headers.get("age");
  if (age === null) return 0;
  // Age is a singleton, but a list-valued one is read as its first member (RFC 9111 §5.1). An
  // over-long value is refused before it is split, as the other caching headers are.
  try {
    const comma = checkHeaderValue("Age", age).indexOf(",");
    const first = (comma < 0 ? age : age.slice(0, comma)).trim();
    return parseDeltaSeconds(first) * 1000;
  } catch {
    return 0;
  }
}

/** Inputs of {@link nextRefreshDelayMs}. */
export interface RefreshDelayInput {
  /** The explicit interval configured for the URL, if any. */
  readonly interval: number | undefined;
  /** The minimum interval: a floor under every delay. */
  readonly minInterval: number;
  /** The successful response's headers. */
  readonly headers: HeaderLookup;
  /** How long the request took, in ms (part of the response's age). */
  readonly responseDelayMs: number;
}

/**
 * The delay until the next refresh after a successful fetch: the explicit interval when one is
 * configured; else the response's remaining freshness; never below the minimum interval.
 */
export function nextRefreshDelayMs(input: RefreshDelayInput): number {
  if (input.interval !== undefined) return Math.max(input.interval, input.minInterval);
  const remaining = remainingFreshnessMs(input.headers, input.responseDelayMs);
  return remaining === undefined ? input.minInterval : Math.max(remaining, input.minInterval);
}
