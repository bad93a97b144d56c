/**
 * Deliberately injected bugs, one flag each, used ONLY to measure how many realistic defects the
 * `conn` simulation suite catches (its mutation score). Each flag reproduces a bug that a real
 * gRPC client shipped at some point. Production code never sets any of them; they are an option
 * rather than a module-level switch so that concurrent channels cannot affect each other.
 */
export interface ConnMutants {
  /** Backoff is never reset, even after a connection was really established. */
  readonly neverResetBackoff?: boolean;
  /** Backoff is reset when an attempt starts, as if a bare TCP connect counted as success. */
  readonly resetBackoffOnAttempt?: boolean;
  /** Every backoff delay is the un-jittered b_k (synchronised reconnect storms). */
  readonly noJitter?: boolean;
  /** A failed attempt is followed by the next one at once (hot loop). */
  readonly noBackoffWait?: boolean;
  /** A connection attempt has no deadline (a server that never sends SETTINGS hangs it). */
  readonly noConnectDeadline?: boolean;
  /** After GOAWAY the subchannel reconnects at once, RPC or not (reconnect storms). */
  readonly reconnectOnGoaway?: boolean;
  /** After GOAWAY the transport stays the picked one, so new streams are opened on it. */
  readonly keepDrainingTransport?: boolean;
  /** RPCs whose connection died or whose stream was reset are re-sent (they may have run). */
  readonly retryPossiblyProcessed?: boolean;
  /** Refused streams are retried without limit instead of at most once. */
  readonly retryRefusedUnbounded?: boolean;
  /** Events from a replaced transport are applied to the subchannel's current one. */
  readonly applyStaleEvents?: boolean;
  /** Address updates never remove a subchannel, so removed addresses keep being dialed. */
  readonly keepRemovedAddresses?: boolean;
  /** `close()` forgets draining transports and the idle timer. */
  readonly leakOnClose?: boolean;
  /** Fail-fast RPCs fail in CONNECTING/IDLE too, not only in TRANSIENT_FAILURE. */
  readonly failFastWhileConnecting?: boolean;
  /**
   * The connect deadline fails the attempt but does not cancel its dial, so the next attempt runs
   * beside it (grpc-go #1099: the attempt's context was never cancelled).
   */
  readonly deadlineKeepsDialing?: boolean;
  /** GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings") does not slow keepalive down. */
  readonly ignoreTooManyPings?: boolean;
  /** SHUTDOWN is not absorbing: a late dial result still moves the subchannel to READY. */
  readonly leaveShutdown?: boolean;
}
