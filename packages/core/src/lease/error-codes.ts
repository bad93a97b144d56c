/** Error codes raised by the lessor (`core/lease`). Owned by the lease module. */
export type LeaseErrorCode =
  /** NOT_FOUND `etcdserver: requested lease not found`, or a keep-alive answered with TTL ≤ 0. */
  | "LEASE_NOT_FOUND"
  /** UNAVAILABLE `etcdserver: no leader`. */
  | "LEASE_NO_LEADER"
  /** OUT_OF_RANGE `etcdserver: too large lease TTL`. */
  | "LEASE_TTL_TOO_LARGE"
  /** FAILED_PRECONDITION `etcdserver: lease already exists`. */
  | "LEASE_EXISTS"
  /** The keep-alive machinery stopped (the lessor was closed); `reason` says why. */
  | "KEEPALIVE_HALTED"
  /** Any other UNAVAILABLE (request timed out, leader changed, connection failure). Retryable. */
  | "LEASE_UNAVAILABLE"
  /** Any other gRPC failure; `grpcCode` and `details` say which. */
  | "LEASE_RPC_FAILED";
