import { DsimError } from "@dsim/core";
import type { GrpcTransportErrorReason } from "./error-codes.js";

/**
 * A failure of the fake transport: a rejected dial, a stream that cannot be opened, a connection
 * that died. `code` is always `CLOSED` (the connection can never be used for it); `reason` says
 * precisely what happened. An aborted signal is reported with the signal's own reason instead, as
 * everywhere in dsim.
 */
export class GrpcTransportError extends DsimError {
  /** What happened, precisely. */
  readonly reason: GrpcTransportErrorReason;

  constructor(reason: GrpcTransportErrorReason, message: string, options?: { cause?: unknown }) {
    super("CLOSED", message, options);
    this.reason = reason;
  }
}

/** True when `error` is a {@link GrpcTransportError}, optionally with the given reason. */
export function isGrpcTransportError(
  error: unknown,
  reason?: GrpcTransportErrorReason,
): error is GrpcTransportError {
  return error instanceof GrpcTransportError && (reason === undefined || error.reason === reason);
}
