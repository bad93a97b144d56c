import fc from "fast-check";

/** Node's (and every dsim clock's) largest timer delay, 2^31-1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Lower end of the near-limit tier: 2^30 ms (12.4 days). */
const NEAR_LIMIT_MS = 2 ** 30;

/**
 * The channel's backoff, connect-timeout and idle-timeout options of one conn case (plain data).
 * Every value is one `ClientConnOptions` accepts: `maxBackoffMs · (1 + jitter)` fits a timer.
 */
export interface ConnDurations {
  /** `backoff.initialMs`: b_0. */
  readonly initialBackoffMs: number;
  /** `backoff.multiplier`, in [1, 1000]. */
  readonly multiplier: number;
  /** `backoff.jitter`, in [0, 1). */
  readonly jitter: number;
  /** `backoff.maxMs`: the cap of b_k, ≥ `initialBackoffMs`. */
  readonly maxBackoffMs: number;
  /** `connectTimeoutMs` (MIN_CONNECT_TIMEOUT), ≥ 1. */
  readonly connectTimeoutMs: number;
  /** `idleTimeoutMs`; 0 disables idleness. */
  readonly idleTimeoutMs: number;
  /** How the servers fail every attempt in the backoff phase (refused, or closed before SETTINGS). */
  readonly outage: "refuse" | "accept-then-close";
}

/** The gRPC defaults (what a case without `durations` runs with). */
export const DEFAULT_CONN_DURATIONS: ConnDurations = {
  initialBackoffMs: 1_000,
  multiplier: 1.6,
  jitter: 0.2,
  maxBackoffMs: 120_000,
  connectTimeoutMs: 20_000,
  idleTimeoutMs: 30 * 60_000,
  outage: "refuse",
};

/** The largest b_k whose jittered delay still fits a timer (what `backoff.maxMs` accepts). */
export function largestBackoffMs(jitter: number): number {
  return Math.floor(MAX_TIMER_MS / (1 + jitter));
}

/**
 * How long a connection handshake can take on a link of `latencyMs` (TCP, then SETTINGS, with
 * room to spare): a connect timeout below it could never connect, which is a configuration no
 * client can satisfy, not a bug.
 */
export function handshakeMs(latencyMs: number): number {
  return 8 * latencyMs + 20;
}

/** Both ends often: a few ms, seconds to a minute, and the 2^31-1 ms region. */
function tiered(smallWeight: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: smallWeight, arbitrary: fc.integer({ min: 1, max: 100 }) },
    { weight: 4, arbitrary: fc.integer({ min: 100, max: 60_000 }) },
    { weight: 4, arbitrary: fc.integer({ min: NEAR_LIMIT_MS, max: MAX_TIMER_MS }) },
  );
}

// b_0 is the smaller of two draws, the cap the larger: b_0 is a few ms in one case of five and
// near the limit in one of five, the cap near the limit in two of three and a few ms in one of 81
// (a policy retrying every few ms dials all through a fault: costly, so rarer).
const raw = fc.record({
  a: tiered(1),
  b: tiered(1),
  multiplier: fc.oneof(
    fc.constant(1),
    fc.constant(1.6),
    fc.double({ min: 1, max: 10, noNaN: true }),
    fc.constant(1_000),
  ),
  jitter: fc.oneof(fc.constant(0), fc.constant(0.2), fc.double({ min: 0, max: 0.95, noNaN: true })),
  connectTimeoutMs: fc.oneof(
    fc.integer({ min: 1, max: 1_000 }),
    fc.constant(20_000),
    fc.integer({ min: NEAR_LIMIT_MS, max: MAX_TIMER_MS }),
  ),
  idleTimeoutMs: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 1_000 }),
    fc.integer({ min: 1_000, max: 30 * 60_000 }),
    fc.integer({ min: NEAR_LIMIT_MS, max: MAX_TIMER_MS }),
  ),
  outage: fc.constantFrom<ConnDurations["outage"]>("refuse", "accept-then-close"),
});

/** The raw draws of {@link connDurationsArbitrary}, turned into valid options by {@link toDurations}. */
export type RawDurations = typeof raw extends fc.Arbitrary<infer T> ? T : never;

/** Raw draws; map them with {@link toDurations} once the link latency is known. */
export const rawDurationsArbitrary: fc.Arbitrary<RawDurations> = raw;

/**
 * Valid options from raw draws: b_0 and the cap are the smaller and the larger draw, both clamped
 * to what the jitter allows; the connect timeout is at least one handshake on the case's link.
 * Plain arithmetic on plain draws, so fast-check shrinks the draws and the options follow.
 */
export function toDurations(draws: RawDurations, latencyMs: number): ConnDurations {
  const largest = largestBackoffMs(draws.jitter);
  return {
    initialBackoffMs: Math.min(Math.min(draws.a, draws.b), largest),
    multiplier: draws.multiplier,
    jitter: draws.jitter,
    maxBackoffMs: Math.min(Math.max(draws.a, draws.b), largest),
    connectTimeoutMs: Math.max(draws.connectTimeoutMs, handshakeMs(latencyMs)),
    idleTimeoutMs: draws.idleTimeoutMs,
    outage: draws.outage,
  };
}

/** b_k = min(initial · multiplier^k, max), the spec's un-jittered backoff. */
export function specBackoffMs(d: ConnDurations, k: number): number {
  return Math.min(d.initialBackoffMs * d.multiplier ** k, d.maxBackoffMs);
}

/**
 * How long after the last fault healed a wait-for-ready RPC may take, at most, to get through: an
 * attempt still hanging until its deadline, the backoff after it, and the default 200 s of room.
 */
export function reconnectBoundMs(d: ConnDurations, baseMs: number): number {
  const attempt = Math.max((1 + d.jitter) * d.maxBackoffMs, d.connectTimeoutMs);
  return baseMs + 2 * Math.ceil(attempt);
}

/**
 * Timer firings per virtual second that the configured policy itself allows: every address may
 * retry every b_0·(1 − jitter) ms (at least every ms), each attempt firing at most two timers
 * (its backoff and its connect deadline), and the idle timer may fire once per idle timeout (it
 * checks again while an attempt is CONNECTING). Above it is a timer loop.
 */
export function allowedTimerFires(d: ConnDurations, servers: number, base: number): number {
  const spacing = Math.max(1, d.initialBackoffMs * (1 - d.jitter));
  const idle = d.idleTimeoutMs === 0 ? 0 : Math.ceil(1_000 / d.idleTimeoutMs);
  return base + servers * 2 * Math.ceil(1_000 / spacing) + idle;
}
