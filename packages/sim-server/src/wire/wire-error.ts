import type { WireErrorCode } from "./error-codes.js";

/**
 * A runtime failure of wire mode. It mirrors core's `DsimError` (literal `code`, `cause`) but is
 * its own class, as `SimulationError` is: core's code union cannot name sim-server codes.
 */
export class WireError extends Error {
  /** A stable, machine-readable code. */
  readonly code: WireErrorCode;

  constructor(code: WireErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = "WireError";
  }
}

/** True when `error` is a {@link WireError}, optionally with the given code. */
export function isWireError(error: unknown, code?: WireErrorCode): error is WireError {
  return error instanceof WireError && (code === undefined || error.code === code);
}
