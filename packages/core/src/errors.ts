import type { AdapterErrorCode } from "./adapters/error-codes.js";
import type { ConnErrorCode } from "./conn/error-codes.js";
import type { LeaseErrorCode } from "./lease/error-codes.js";
import type { RefreshErrorCode } from "./refresh/error-codes.js";

/** Error codes shared by every module. */
export type CommonErrorCode =
  /** The object was closed; the operation can never succeed on it. */
  | "CLOSED"
  /** The caller's signal aborted the operation. */
  | "ABORTED"
  /** A deadline or timeout passed before the operation finished. */
  | "TIMEOUT";

/** Every code a {@link DsimError} can carry: a literal union, so `switch (err.code)` is exhaustive. */
export type DsimErrorCode =
  | CommonErrorCode
  | AdapterErrorCode
  | ConnErrorCode
  | LeaseErrorCode
  | RefreshErrorCode;

/** Options accepted by {@link DsimError}'s constructor. */
export interface DsimErrorOptions {
  /** The underlying error, kept for diagnosis. */
  readonly cause?: unknown;
}

/**
 * The one base class for errors raised by `@dsim/core`. Subclasses narrow {@link DsimError.code}.
 * Invalid arguments and options are reported with `TypeError`/`RangeError` instead (see
 * `validate.ts`), because they are programming errors, not runtime conditions.
 */
export class DsimError extends Error {
  /** A stable, machine-readable code. */
  readonly code: DsimErrorCode;

  constructor(code: DsimErrorCode, message: string, options?: DsimErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** True when `error` is a {@link DsimError}, optionally with the given code. */
export function isDsimError(error: unknown, code?: DsimErrorCode): error is DsimError {
  return error instanceof DsimError && (code === undefined || error.code === code);
}
