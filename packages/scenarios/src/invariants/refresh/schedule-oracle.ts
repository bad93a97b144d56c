import type { UrlSpec } from "../../suites/refresh/refresh-case.js";

/** Core's backoff growth and jitter (the suite configures only initial and cap). */
const MULTIPLIER = 1.6;
const JITTER = 0.2;

/**
 * The latest a retry may be scheduled after the `failures`th failure in a row (counted since the
 * last success; at least 1): the reference's "on failure keep serving and schedule the next
 * attempt" with the URL's backoff, `max(minInterval, backoff)`, and the backoff restarting
 * after a success. With no backoff the retry comes after exactly the minimum interval.
 */
export function latestRetryDelayMs(spec: UrlSpec, failures: number): number {
  const backoff = spec.backoff;
  if (backoff === null) return spec.minIntervalMs;
  const base = Math.min(backoff.initialMs * MULTIPLIER ** Math.max(0, failures - 1), backoff.maxMs);
  return Math.max(spec.minIntervalMs, base * (1 + JITTER));
}

/** The longest a retry can take to be scheduled, whatever the failure count. */
export function longestRetryDelayMs(spec: UrlSpec): number {
  return spec.backoff === null
    ? spec.minIntervalMs
    : Math.max(spec.minIntervalMs, spec.backoff.maxMs * (1 + JITTER));
}
