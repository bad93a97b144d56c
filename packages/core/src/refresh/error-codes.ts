/** Error codes raised by the refresher (`core/refresh`). Owned by the refresh module. */
export type RefreshErrorCode =
  | "URL_NOT_REGISTERED"
  | "URL_NOT_ALLOWED"
  | "HTTP_STATUS"
  | "FETCH_FAILED"
  | "BODY_INVALID"
  | "BODY_TOO_LARGE"
  | "HEADER_INVALID";
