import type { ConnMutants } from "@dsim/core";

/** One hand-made broken variant of core/conn and the invariant expected to catch it. */
export interface ConnMutant {
  /** The `ConnMutants` flag that injects the bug. */
  readonly flag: keyof ConnMutants;
  /** The bug, in the words of the client that shipped something like it. */
  readonly bug: string;
  /** The invariant of the `conn` suite that must report it. */
  readonly caughtBy: string;
}

/**
 * The mutants used to show that the `conn` suite's invariants have teeth. Each is a realistic bug
 * of the kind grpc-go or grpc-js shipped; the suite must fail against every one of them.
 */
export const connMutants: readonly ConnMutant[] = [
  {
    flag: "neverResetBackoff",
    bug: "backoff never reset after a successful connection",
    caughtBy: "conn.backoff-spacing",
  },
  {
    flag: "resetBackoffOnAttempt",
    bug: "backoff reset on TCP connect instead of SETTINGS",
    caughtBy: "conn.backoff-spacing",
  },
  { flag: "noJitter", bug: "no jitter on reconnect delays", caughtBy: "conn.backoff-jitter" },
  {
    flag: "noBackoffWait",
    bug: "reconnect hot loop without backoff",
    caughtBy: "conn.backoff-spacing",
  },
  {
    flag: "noConnectDeadline",
    bug: "a connect attempt without a deadline hangs on a blackhole",
    caughtBy: "conn.connect-deadline",
  },
  {
    flag: "deadlineKeepsDialing",
    bug: "connect deadline does not cancel the dial (grpc-go #1099)",
    caughtBy: "conn.connect-deadline",
  },
  {
    flag: "reconnectOnGoaway",
    bug: "reconnect on GOAWAY with no RPC (reconnect storms)",
    caughtBy: "conn.no-reconnect-without-rpc",
  },
  {
    flag: "keepDrainingTransport",
    bug: "new streams opened on a draining transport",
    caughtBy: "conn.no-stream-after-goaway",
  },
  {
    flag: "retryPossiblyProcessed",
    bug: "re-sending an RPC whose connection died under it",
    caughtBy: "conn.never-resend-possibly-processed",
  },
  {
    flag: "retryRefusedUnbounded",
    bug: "transparent retry of refused streams without limit",
    caughtBy: "conn.refused-retry-at-most-once",
  },
  {
    flag: "applyStaleEvents",
    bug: "a replaced transport's late close applied to the current one",
    caughtBy: "conn.stale-events-ignored",
  },
  {
    flag: "keepRemovedAddresses",
    bug: "removed addresses kept and redialed (seed's lbWatcher by key)",
    caughtBy: "conn.only-current-addresses",
  },
  {
    flag: "leakOnClose",
    bug: "close() forgets draining transports and the idle timer",
    caughtBy: "conn.no-leak-after-close",
  },
  {
    flag: "failFastWhileConnecting",
    bug: "fail-fast RPCs fail while CONNECTING, not only in TRANSIENT_FAILURE",
    caughtBy: "conn.graceful-goaway-zero-failures",
  },
  {
    flag: "ignoreTooManyPings",
    bug: "keepalive not slowed down after GOAWAY too_many_pings (ping storms)",
    caughtBy: "conn.keepalive-interval",
  },
  {
    flag: "leaveShutdown",
    bug: "state written without checking SHUTDOWN first (seed's resetTransport)",
    caughtBy: "conn.shutdown-absorbing",
  },
];
