/** Error codes raised by the lessor (`core/lease`). Owned by the lease module. */
export type LeaseErrorCode =
  | "LEASE_NOT_FOUND"
  | "LEASE_NO_LEADER"
  | "LEASE_TTL_TOO_LARGE"
  | "LEASE_EXISTS"
  | "KEEPALIVE_HALTED"
  | "LEASE_UNAVAILABLE";
