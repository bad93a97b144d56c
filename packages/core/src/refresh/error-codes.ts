/** Error codes raised by the refresher (`core/refresh`). Owned by the refresh module. */
export type RefreshErrorCode =
  /** `fetch`/`refresh`/`remove` named a URL that `configure` never registered (or that was removed). */
  | "URL_NOT_REGISTERED"
  /** The URL did not pass the allow-list. */
  | "URL_NOT_ALLOWED"
  /** The server answered with a status other than 200. */
  | "HTTP_STATUS"
  /** The HTTP client rejected (connection reset, refused, DNS…). */
  | "FETCH_FAILED"
  /** The body could not be decoded or parsed into a value. */
  | "BODY_INVALID"
  /** The body was larger than the configured maximum. */
  | "BODY_TOO_LARGE"
  /** A caching header (Cache-Control, Expires, Date, Age) could not be parsed. */
  | "HEADER_INVALID"
  /**
   * No value is cached and the last request started less than the minimum interval ago, so a new
   * request would break the rate limit. The cause is the last request's error.
   */
  | "COOLING_DOWN";
