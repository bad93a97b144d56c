import { DsimError } from "../errors.js";
import type { LeaseErrorCode } from "./error-codes.js";
import { EtcdMessage, GrpcCode } from "./etcd-status.js";
import type { GrpcStatusLike } from "./lease-client.js";

/** Base class of the lessor's runtime errors: a {@link DsimError} with the gRPC status it came from. */
export class LeaseError extends DsimError {
  /** The gRPC status code of the failed call, when there was one. */
  readonly grpcCode: number | undefined;

  constructor(code: LeaseErrorCode, message: string, grpcCode?: number, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.grpcCode = grpcCode;
  }
}

/** The lease does not exist (or no longer does): NOT_FOUND, or a keep-alive with TTL ≤ 0. */
export class LeaseNotFoundError extends LeaseError {
  constructor(cause?: unknown) {
    super("LEASE_NOT_FOUND", EtcdMessage.leaseNotFound, GrpcCode.NOT_FOUND, cause);
  }
}

/** The cluster has no leader: UNAVAILABLE `etcdserver: no leader`. */
export class LeaseNoLeaderError extends LeaseError {
  constructor(cause?: unknown) {
    super("LEASE_NO_LEADER", EtcdMessage.noLeader, GrpcCode.UNAVAILABLE, cause);
  }
}

/** The requested TTL exceeds etcd's maximum. */
export class LeaseTtlTooLargeError extends LeaseError {
  constructor(cause?: unknown) {
    super("LEASE_TTL_TOO_LARGE", EtcdMessage.ttlTooLarge, GrpcCode.OUT_OF_RANGE, cause);
  }
}

/** A lease with the requested ID already exists. */
export class LeaseExistsError extends LeaseError {
  constructor(cause?: unknown) {
    super("LEASE_EXISTS", EtcdMessage.leaseExists, GrpcCode.FAILED_PRECONDITION, cause);
  }
}

/** Another UNAVAILABLE failure: retrying later may succeed. */
export class LeaseUnavailableError extends LeaseError {
  constructor(details: string, cause?: unknown) {
    super("LEASE_UNAVAILABLE", details, GrpcCode.UNAVAILABLE, cause);
  }
}

/** Any other gRPC failure. */
export class LeaseRpcError extends LeaseError {
  constructor(grpcCode: number, details: string, cause?: unknown) {
    super("LEASE_RPC_FAILED", `lease rpc failed (code ${grpcCode}): ${details}`, grpcCode, cause);
  }
}

/**
 * `ErrKeepAliveHalted`: the keep-alive machinery no longer runs, so a new `keepAlive` cannot be
 * served. `reason` is what halted it (the error the lessor was closed with).
 */
export class KeepAliveHaltedError extends LeaseError {
  /** Why the keep-alive machinery halted. */
  readonly reason: Error;

  constructor(reason: Error) {
    super("KEEPALIVE_HALTED", `etcdclient: leases keep alive halted: ${reason.message}`);
    this.reason = reason;
  }
}

/**
 * Reads the gRPC status of an error: grpc-js' `ServiceError` (numeric `code`), core's `StatusError`
 * and the fake servers' errors (numeric `status`), each with a `details` string.
 */
export function grpcStatusOf(error: unknown): GrpcStatusLike | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const candidate = error as { code?: unknown; status?: unknown; details?: unknown };
  if (typeof candidate.details !== "string") return undefined;
  if (typeof candidate.status === "number") {
    return { code: candidate.status, details: candidate.details };
  }
  if (typeof candidate.code === "number")
    return { code: candidate.code, details: candidate.details };
  return undefined;
}

/**
 * Maps a failure of a lease call to a typed error (`toErr` in clientv3). `signal` is the caller's:
 * when it aborted, the failure is the caller's cancellation whatever the transport said.
 */
export function toLeaseError(error: unknown, signal?: AbortSignal): Error {
  if (signal?.aborted === true) {
    return new DsimError("ABORTED", "lease call aborted by the caller", {
      cause: signal.reason,
    });
  }
  const status = grpcStatusOf(error);
  if (status === undefined) {
    if (error instanceof DsimError) return error;
    return new LeaseUnavailableError(error instanceof Error ? error.message : String(error), error);
  }
  switch (status.details) {
    case EtcdMessage.leaseNotFound:
      return new LeaseNotFoundError(error);
    case EtcdMessage.noLeader:
      return new LeaseNoLeaderError(error);
    case EtcdMessage.ttlTooLarge:
      return new LeaseTtlTooLargeError(error);
    case EtcdMessage.leaseExists:
      return new LeaseExistsError(error);
  }
  switch (status.code) {
    case GrpcCode.UNAVAILABLE:
      return new LeaseUnavailableError(status.details, error);
    case GrpcCode.CANCELLED:
      return new DsimError("ABORTED", `lease call cancelled: ${status.details}`, { cause: error });
    case GrpcCode.DEADLINE_EXCEEDED:
      return new DsimError("TIMEOUT", `lease call deadline exceeded: ${status.details}`, {
        cause: error,
      });
    default:
      return new LeaseRpcError(status.code, status.details, error);
  }
}

/**
 * True when a failed call must not be retried (`isHaltErr`): anything but UNAVAILABLE and
 * INTERNAL, and any failure after the caller's signal aborted.
 */
export function isHaltError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted === true) return true;
  if (error instanceof LeaseUnavailableError || error instanceof LeaseNoLeaderError) return false;
  const status = grpcStatusOf(error);
  if (status === undefined) return !(error instanceof Error) || error instanceof DsimError;
  return status.code !== GrpcCode.UNAVAILABLE && status.code !== GrpcCode.INTERNAL;
}
