import type { HeaderTemplate, UrlSpec } from "../../suites/refresh/refresh-case.js";

/**
 * The interval rule, restated independently of core's parsers from the template the server used:
 * explicit interval wins; else the remaining freshness (max-age − Age − request time, or
 * Expires − Date − request time); stale or unknown → the minimum; never below the minimum.
 *
 * @param template - the headers the server really sent for that response (`invalid` after a
 *   header fault).
 * @param requestMs - how long the request took (response age added by the trip).
 */
export function expectedDelayMs(
  spec: UrlSpec,
  template: HeaderTemplate,
  requestMs: number,
): number {
  const min = spec.minIntervalMs;
  if (spec.intervalMs !== undefined) return Math.max(spec.intervalMs, min);
  switch (template.kind) {
    case "max-age":
      return Math.max(min, (template.seconds - template.age) * 1_000 - requestMs);
    case "expires":
      return template.seconds <= 0 ? min : Math.max(min, template.seconds * 1_000 - requestMs);
    case "none":
    case "no-cache":
    case "invalid":
      return min;
  }
}
