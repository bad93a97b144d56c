import { DsimError, type DsimErrorOptions } from "../errors.js";
import type { Metadata } from "./metadata.js";
import { type Status, statusName } from "./status.js";

/** Extra facts carried by a {@link StatusError}. */
export interface StatusErrorOptions extends DsimErrorOptions {
  /** Trailing metadata from the server, or empty for locally generated statuses. */
  readonly metadata?: Metadata;
}

/**
 * The typed error every RPC of the connection manager rejects with: a gRPC status that is not OK.
 * Locally generated statuses (UNAVAILABLE before a stream was opened, DEADLINE_EXCEEDED,
 * CANCELLED) use the same class so callers need one `catch` branch.
 */
export class StatusError extends DsimError {
  /** The gRPC status code (never OK). */
  readonly status: Status;
  /** The status message (`grpc-message`). */
  readonly details: string;
  /** Trailing metadata. */
  readonly metadata: Metadata;

  constructor(status: Status, details: string, options: StatusErrorOptions = {}) {
    super("GRPC_STATUS", `${statusName(status)}: ${details}`, options);
    this.status = status;
    this.details = details;
    this.metadata = options.metadata ?? {};
  }
}

/** True when `error` is a {@link StatusError}, optionally with the given status. */
export function isStatusError(error: unknown, status?: Status): error is StatusError {
  return error instanceof StatusError && (status === undefined || error.status === status);
}
