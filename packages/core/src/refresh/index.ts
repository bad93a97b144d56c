export {
  AutoRefresh,
  type AutoRefreshOptions,
  createJwksRefresh,
  type FetchCallOptions,
  type JwksRefreshOptions,
} from "./auto-refresh.js";
export {
  type CacheControl,
  DELTA_SECONDS_MAX,
  parseCacheControl,
  parseDeltaSeconds,
} from "./cache-control.js";
export type { RefreshErrorCode } from "./error-codes.js";
export type { ErrorSink, RefreshFailure } from "./error-sink.js";
export {
  type HeaderLookup,
  nextRefreshDelayMs,
  type RefreshDelayInput,
  remainingFreshnessMs,
} from "./freshness.js";
export { MAX_HEADER_VALUE_LENGTH } from "./header-value.js";
export type {
  HttpClient,
  HttpHeadersLike,
  HttpRequestInit,
  HttpResponseLike,
} from "./http-client.js";
export { formatHttpDate, parseHttpDate } from "./http-date.js";
export {
  type JsonWebKey,
  type JsonWebKeySet,
  MAX_JWKS_BYTES,
  MAX_JWKS_CONTAINERS,
  MAX_JWKS_DEPTH,
  MAX_JWKS_KEYS,
  parseJwks,
} from "./jwks.js";
export {
  type AllowList,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MIN_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_INTERVAL_MS,
  MIN_INTERVAL_FLOOR_MS,
  type Parser,
  type UrlOptions,
} from "./options.js";
export { RefreshError, type RefreshErrorOptions } from "./refresh-error.js";
export type { RefreshTargetSnapshot } from "./snapshot.js";
