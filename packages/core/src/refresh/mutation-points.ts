/**
 * Switches that disable one safety mechanism each, so the scenario suite can prove its invariants
 * catch a broken refresher ("mutants"). For tests only: production code never sets them. They are
 * passed per instance (`AutoRefreshOptions.mutations`) so no source is edited at test time and
 * parallel tests do not affect each other.
 */
export interface RefreshMutationPoints {
  /** Cold `fetch` callers do not join the in-flight request: each starts its own. */
  readonly noSingleFlight: boolean;
  /** Forced refreshes and cold fetches ignore the minimum interval since the last request. */
  readonly noCooldown: boolean;
  /** The next refresh delay is not floored by the minimum interval. */
  readonly noIntervalFloor: boolean;
  /** Explicit intervals and Cache-Control are ignored: always the minimum interval. */
  readonly ignoreFreshness: boolean;
  /** A failed request drops the cached value instead of serving it stale. */
  readonly dropValueOnError: boolean;
  /** A response is committed even when a newer one is already cached. */
  readonly noSequenceCheck: boolean;
  /** A caller's abort aborts the shared request too. */
  readonly callerAbortCancelsRequest: boolean;
  /** `remove` leaves the URL's timer running (and the timer still fetches). */
  readonly removeKeepsTimer: boolean;
  /** `close` leaves the timers running. */
  readonly closeKeepsTimers: boolean;
  /** A failed request schedules no retry. */
  readonly noRetryAfterFailure: boolean;
  /** Background failures are not delivered to the error sink. */
  readonly sinkOnlyForeground: boolean;
  /** Followers of a shared request get a generic error instead of the leader's. */
  readonly genericFollowerError: boolean;
}

/** Every switch off: the real refresher. */
export const NO_MUTATIONS: RefreshMutationPoints = Object.freeze({
  noSingleFlight: false,
  noCooldown: false,
  noIntervalFloor: false,
  ignoreFreshness: false,
  dropValueOnError: false,
  noSequenceCheck: false,
  callerAbortCancelsRequest: false,
  removeKeepsTimer: false,
  closeKeepsTimers: false,
  noRetryAfterFailure: false,
  sinkOnlyForeground: false,
  genericFollowerError: false,
});
