export {
  BACKOFF_JITTER,
  BACKOFF_MULTIPLIER,
  type BackoffOptions,
  backoffDelay,
  baseBackoff,
  connectDeadline,
  ExponentialBackoff,
  INITIAL_BACKOFF_MS,
  MAX_BACKOFF_MS,
  MIN_CONNECT_TIMEOUT_MS,
  type ResolvedBackoffOptions,
  resolveBackoffOptions,
} from "./backoff.js";
