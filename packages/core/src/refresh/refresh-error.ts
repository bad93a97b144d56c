import { DsimError, type DsimErrorCode } from "../errors.js";

/** Options of {@link RefreshError}. */
export interface RefreshErrorOptions {
  /** The URL the failure concerns, when there is one. */
  readonly url?: string;
  /** The HTTP status, for `HTTP_STATUS`. */
  readonly status?: number;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * A runtime failure of the refresher or of one of its parsers. `code` says what failed; `url`
 * (when known) says for which registered URL.
 */
export class RefreshError extends DsimError {
  /** The URL concerned, or `undefined` for a parser used on its own. */
  readonly url: string | undefined;
  /** The HTTP status for `HTTP_STATUS` errors. */
  readonly status: number | undefined;

  constructor(code: DsimErrorCode, message: string, options: RefreshErrorOptions = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.url = options.url;
    this.status = options.status;
  }
}
