import { DsimError, type Metadata, Status } from "@dsim/core";

/** gRPC status codes: the same table core's `ClientConn` uses, so client and server cannot drift. */
export const GrpcStatus = Status;

/** A numeric gRPC status code; unknown codes from a peer are kept as numbers. */
export type GrpcStatusCode = number;

/** The final status of a call as the server sends it in trailers. */
export interface CallStatus {
  readonly code: GrpcStatusCode;
  readonly details: string;
  /** Trailing metadata sent with the status. */
  readonly metadata: Metadata;
}

/**
 * Thrown by a fake service's handler to end its call with a non-OK status; the server turns it
 * into trailers. Any other thrown value ends the call with UNKNOWN.
 */
export class GrpcStatusError extends DsimError {
  /** The gRPC status code sent to the client. */
  readonly status: GrpcStatusCode;
  /** The status message sent to the client. */
  readonly details: string;
  /** Trailing metadata sent with the status. */
  readonly metadata: Metadata;

  constructor(status: GrpcStatusCode, details: string, metadata: Metadata = {}) {
    super("GRPC_STATUS", `gRPC status ${status}: ${details}`);
    if (!Number.isInteger(status) || status < 0) {
      throw new RangeError(`gRPC status must be a non-negative integer, got ${status}`);
    }
    this.status = status;
    this.details = details;
    this.metadata = metadata;
  }
}

/** The status a thrown value maps to: its own for a {@link GrpcStatusError}, UNKNOWN otherwise. */
export function statusFromError(error: unknown): CallStatus {
  if (error instanceof GrpcStatusError) {
    return { code: error.status, details: error.details, metadata: error.metadata };
  }
  const details = error instanceof Error ? error.message : String(error);
  return { code: GrpcStatus.UNKNOWN, details, metadata: {} };
}
