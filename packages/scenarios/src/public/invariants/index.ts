/**
 * Reusable invariant checkers that judge any client from the outside — from what a fake server
 * saw, what the application got and what the simulation still holds — so they apply to clients
 * dsim did not write. Each returns the violations it found; {@link expectNoViolations} turns the
 * first into the `InvariantViolation` a suite throws.
 */
export {
  type AddressUpdate,
  type Attempt,
  type BackoffRule,
  checkBackoffSpacing,
  checkNoResendOfProcessed,
  checkNoStreamAfterGoaway,
  checkOnlyCurrentAddresses,
  GRPC_BACKOFF,
  type RpcSends,
  type SendEnd,
  type ServerConnection,
} from "./conn.js";
export { checkNothingLeftAfterClose } from "./leaks.js";
export {
  checkKeepAliveRate,
  checkNoExpiryUnderShortFaults,
  checkPromptLossReport,
  type LatencyRange,
  type ObservedLease,
} from "./lease.js";
export {
  checkIntervalRule,
  checkLivenessAfterHeal,
  checkRefreshRate,
  checkStaleServing,
  type RefreshRequest,
  type ValueRead,
} from "./refresh.js";
export { expectNoViolations, type Violation } from "./violation.js";
