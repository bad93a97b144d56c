import { type CommonErrorCode, DsimError, type DsimErrorOptions } from "../errors.js";
import type { AdapterErrorCode } from "./error-codes.js";

/** A runtime failure of a production adapter: a {@link DsimError} with an adapter code. */
export class AdapterError extends DsimError {
  /** What went wrong, as a stable code. */
  declare readonly code: AdapterErrorCode | CommonErrorCode;

  constructor(
    code: AdapterErrorCode | CommonErrorCode,
    message: string,
    options?: DsimErrorOptions,
  ) {
    super(code, message, options);
  }
}
