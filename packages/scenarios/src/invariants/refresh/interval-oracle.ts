import type { HeaderTemplate } from "../../suites/refresh/header-templates.js";
import type { UrlSpec } from "../../suites/refresh/refresh-case.js";

/**
 * The freshness lifetime (ms) the template's headers state, restated from RFC 9111 independently
 * of core's parsers: `max-age` (case-insensitive, quoted or split over lines, `s-maxage` ignored
 * by a private client) wins over `Expires`; `Expires − Date` otherwise; `no-cache`/`no-store`,
 * invalid or past values are stale (0); no header at all is unknown (`undefined`).
 */
export function lifetimeMs(template: HeaderTemplate): number | undefined {
  switch (template.kind) {
    case "max-age":
      return template.seconds * 1_000;
    case "expires":
      return Math.max(0, template.seconds * 1_000);
    case "both":
      return template.maxAge * 1_000;
    case "none":
      return undefined;
    case "no-cache":
    case "no-store":
    case "invalid":
      return 0;
  }
}

function ageMs(template: HeaderTemplate): number {
  return template.kind === "max-age" || template.kind === "expires" ? template.age * 1_000 : 0;
}

/**
 * The interval rule: explicit interval wins; else the remaining freshness (lifetime − Age −
 * request time, RFC 9111 §4.2.3); stale or unknown → the minimum; never below the minimum.
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
  const lifetime = lifetimeMs(template);
  if (lifetime === undefined) return min;
  return Math.max(min, lifetime - ageMs(template) - requestMs);
}
