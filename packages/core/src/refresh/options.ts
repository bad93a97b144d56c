import type { BackoffOptions } from "../retry/backoff.js";
import { resolveBackoffOptions } from "../retry/backoff.js";
import {
  describeValue,
  MAX_TIMER_DELAY_MS,
  requireFiniteNumber,
  requireFunction,
  requireInteger,
  requireObject,
} from "../validate.js";
import type { HttpClient } from "./http-client.js";
import { RefreshError } from "./refresh-error.js";

/** Turns a response body into the cached value; throws (ideally a `RefreshError`) when invalid. */
export type Parser<T> = (body: string) => T;

/**
 * Which URLs may be fetched: a predicate, a regular expression, or a list of regular expressions
 * and exact URL strings (any match allows).
 */
export type AllowList = ((url: string) => boolean) | RegExp | readonly (RegExp | string)[];

/** The minimum interval when none is given: one hour, as in the seed. */
export const DEFAULT_MIN_INTERVAL_MS = 3_600_000;
/** The hard floor under every interval: no option or header can make refreshes closer than this. */
export const MIN_INTERVAL_FLOOR_MS = 1_000;
/** Default timeout of one request, body included. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Default maximum body size: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;
/** Largest accepted interval (100 years): long delays are chained, so only sanity bounds it. */
export const MAX_INTERVAL_MS = 100 * 365 * 86_400_000;

/** Per-URL options of `AutoRefresh.configure`. A new `configure` replaces them as a whole. */
export interface UrlOptions<T> {
  /**
   * Explicit refresh interval in ms; headers are then ignored. Still floored by `minInterval`.
   */
  readonly interval?: number;
  /**
   * Minimum time between two requests for this URL in ms, forced refreshes included, and the
   * interval used when headers say nothing. Default: one hour, or `interval` when that is shorter.
   * At least {@link MIN_INTERVAL_FLOOR_MS}.
   */
  readonly minInterval?: number;
  /** The HTTP client for this URL; default: the instance's. */
  readonly httpClient?: HttpClient;
  /**
   * Backoff for background retries after failures: a retry waits
   * `max(minInterval, backoff delay)`. Default: none (retry after `minInterval`).
   */
  readonly backoff?: BackoffOptions;
  /** Allow-list checked at `configure`; default: the instance's (everything when absent). */
  readonly allow?: AllowList;
  /** Body parser for this URL; default: the instance's. */
  readonly parse?: Parser<T>;
  /** Timeout of one request (headers and body) in ms. Default {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  readonly requestTimeout?: number;
  /** Largest accepted body in bytes. Default {@link DEFAULT_MAX_BODY_BYTES}. */
  readonly maxBodyBytes?: number;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** {@link UrlOptions} validated, with every default filled in. */
export interface ResolvedUrlOptions<T> {
  readonly interval: number | undefined;
  readonly minInterval: number;
  readonly httpClient: HttpClient;
  readonly backoff: BackoffOptions | undefined;
  readonly parse: Parser<T>;
  readonly requestTimeout: number;
  readonly maxBodyBytes: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** Instance-wide defaults the per-URL options fall back to. */
export interface UrlDefaults<T> {
  readonly httpClient: HttpClient;
  readonly parse: Parser<T>;
  readonly allow: AllowList | undefined;
}

/**
 * Validates a URL string with `new URL` and returns its normalised form (the registry key).
 *
 * @throws TypeError when `url` is not a string, not a URL, or not http(s).
 */
export function normalizeUrl(url: unknown): string {
  if (typeof url !== "string")
    throw new TypeError(`"url" must be a string, got ${describeValue(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`"url" must be an absolute URL, got ${describeValue(url)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`"url" must be http or https, got ${describeValue(url)}`);
  }
  return parsed.href;
}

/** Validates an allow-list's shape. @throws TypeError */
export function validateAllowList(name: string, allow: unknown): AllowList | undefined {
  if (allow === undefined || typeof allow === "function" || allow instanceof RegExp) {
    return allow as AllowList | undefined;
  }
  if (Array.isArray(allow) && allow.every((e) => typeof e === "string" || e instanceof RegExp)) {
    return allow as readonly (RegExp | string)[];
  }
  throw new TypeError(
    `"${name}" must be a function, a RegExp or an array of RegExp/strings, got ${describeValue(allow)}`,
  );
}

function matches(pattern: RegExp, url: string): boolean {
  // A global or sticky RegExp keeps state in lastIndex; reset it so every check starts fresh.
  pattern.lastIndex = 0;
  return pattern.test(url);
}

/** True when `url` passes `allow` (an absent list allows everything). */
export function isAllowed(allow: AllowList | undefined, url: string): boolean {
  if (allow === undefined) return true;
  if (typeof allow === "function") return allow(url) === true;
  if (allow instanceof RegExp) return matches(allow, url);
  return allow.some((entry) => (typeof entry === "string" ? entry === url : matches(entry, url)));
}

/**
 * Validates per-URL options and fills in defaults; checks the allow-list.
 *
 * @throws TypeError / RangeError for invalid options; RefreshError `URL_NOT_ALLOWED`.
 */
export function resolveUrlOptions<T>(
  url: string,
  options: UrlOptions<T> | undefined,
  defaults: UrlDefaults<T>,
): ResolvedUrlOptions<T> {
  const o = (requireObject("options", options, { optional: true }) ?? {}) as UrlOptions<T>;
  const interval =
    o.interval === undefined
      ? undefined
      : requireFiniteNumber("interval", o.interval, {
          min: MIN_INTERVAL_FLOOR_MS,
          max: MAX_INTERVAL_MS,
        });
  const minInterval = requireFiniteNumber(
    "minInterval",
    o.minInterval ?? Math.min(DEFAULT_MIN_INTERVAL_MS, interval ?? DEFAULT_MIN_INTERVAL_MS),
    { min: MIN_INTERVAL_FLOOR_MS, max: MAX_INTERVAL_MS },
  );
  const httpClient =
    o.httpClient === undefined
      ? defaults.httpClient
      : requireFunction<HttpClient>("httpClient", o.httpClient);
  const parse =
    o.parse === undefined ? defaults.parse : requireFunction<Parser<T>>("parse", o.parse);
  const backoff = o.backoff === undefined ? undefined : resolveBackoffOptions(o.backoff);
  const requestTimeout = requireFiniteNumber(
    "requestTimeout",
    o.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
    { min: 1, max: MAX_TIMER_DELAY_MS },
  );
  const maxBodyBytes = requireInteger("maxBodyBytes", o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, {
    min: 0,
  });
  const headers = (requireObject("headers", o.headers, { optional: true }) ?? {}) as Record<
    string,
    unknown
  >;
  const requestHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string") {
      throw new TypeError(`"headers.${name}" must be a string, got ${describeValue(value)}`);
    }
    requestHeaders[name.toLowerCase()] = value;
  }
  const allow = o.allow === undefined ? defaults.allow : validateAllowList("allow", o.allow);
  if (!isAllowed(allow, url)) {
    throw new RefreshError("URL_NOT_ALLOWED", `${url} is not in the allow-list`, { url });
  }
  return {
    interval,
    minInterval,
    httpClient,
    backoff,
    parse,
    requestTimeout,
    maxBodyBytes,
    headers: requestHeaders,
  };
}
