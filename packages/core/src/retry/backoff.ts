import { drawUnit } from "../random/draw.js";
import type { Random } from "../random/random.js";
import {
  MAX_TIMER_DELAY_MS,
  requireFiniteNumber,
  requireInteger,
  requireObject,
} from "../validate.js";

/**
 * gRPC connection backoff (grpc/grpc `doc/connection-backoff.md`) as pure functions plus a small
 * stateful wrapper. Attempt `k` (0-based) waits
 *
 *     b_k   = min(initialMs · multiplier^k, maxMs)
 *     delay = b_k · (1 + jitter · (2 · draw − 1)),  draw ∈ [0, 1)
 *
 * The cap applies to the un-jittered backoff b_k, as in the spec and in grpc-go/grpc-js, so every
 * delay lies in [(1 − jitter)·b_k, (1 + jitter)·b_k] and hence never exceeds (1 + jitter)·maxMs
 * (144 s with the defaults). Jitter is applied to every attempt including the first; the spec's
 * un-jittered first deadline (exactly b_0) is one point of that range.
 */

/** Backoff of the first attempt: 1 s. */
export const INITIAL_BACKOFF_MS = 1_000;
/** Growth factor between attempts: 1.6. */
export const BACKOFF_MULTIPLIER = 1.6;
/** Relative jitter: ±20 %. */
export const BACKOFF_JITTER = 0.2;
/** Cap on the un-jittered backoff: 120 s. */
export const MAX_BACKOFF_MS = 120_000;
/**
 * Largest growth factor. Any larger factor reaches `maxMs` on the second attempt anyway; a bound
 * keeps `initialMs · multiplier^k` from being a typo nobody notices.
 */
export const MAX_BACKOFF_MULTIPLIER = 1_000;
/** A connection attempt is given at least this long to succeed: 20 s. */
export const MIN_CONNECT_TIMEOUT_MS = 20_000;

/** Tuning for {@link backoffDelay}; every field defaults to the gRPC constant. */
export interface BackoffOptions {
  /** b_0 in ms: a positive finite number. Default {@link INITIAL_BACKOFF_MS}. */
  readonly initialMs?: number;
  /** Growth factor in [1, {@link MAX_BACKOFF_MULTIPLIER}]. Default {@link BACKOFF_MULTIPLIER}. */
  readonly multiplier?: number;
  /** Relative jitter in [0, 1). Default {@link BACKOFF_JITTER}. */
  readonly jitter?: number;
  /**
   * Cap on b_k in ms: ≥ `initialMs`, and small enough that the jittered delay,
   * `maxMs · (1 + jitter)`, fits a timer (2³¹−1 ms; a larger delay would fire after 1 ms). Default
   * {@link MAX_BACKOFF_MS}.
   */
  readonly maxMs?: number;
}

/** {@link BackoffOptions} with every default filled in and validated. */
export interface ResolvedBackoffOptions {
  readonly initialMs: number;
  readonly multiplier: number;
  readonly jitter: number;
  readonly maxMs: number;
}

/**
 * Validates backoff options and fills in the defaults.
 *
 * @throws TypeError when a field has the wrong type, RangeError when it is out of range.
 */
export function resolveBackoffOptions(options: BackoffOptions = {}): ResolvedBackoffOptions {
  requireObject("options", options);
  const jitter = requireFiniteNumber("jitter", options.jitter ?? BACKOFF_JITTER, { min: 0 });
  if (jitter >= 1) throw new RangeError(`"jitter" must be in [0, 1), got ${jitter}`);
  // Every delay is at most maxMs · (1 + jitter); it must fit a timer, or Node fires it after 1 ms
  // and a typo becomes a reconnect storm.
  const largest = Math.floor(MAX_TIMER_DELAY_MS / (1 + jitter));
  const initialMs = requireFiniteNumber("initialMs", options.initialMs ?? INITIAL_BACKOFF_MS, {
    min: Number.MIN_VALUE,
    max: largest,
  });
  const multiplier = requireFiniteNumber("multiplier", options.multiplier ?? BACKOFF_MULTIPLIER, {
    min: 1,
    max: MAX_BACKOFF_MULTIPLIER,
  });
  const maxMs = requireFiniteNumber("maxMs", options.maxMs ?? MAX_BACKOFF_MS, {
    min: initialMs,
    max: largest,
  });
  return { initialMs, multiplier, jitter, maxMs };
}

/**
 * The un-jittered backoff b_k = min(initialMs · multiplier^k, maxMs) for attempt `k`.
 *
 * @throws TypeError or RangeError for a negative or fractional attempt or invalid options.
 */
export function baseBackoff(attempt: number, options?: BackoffOptions): number {
  requireInteger("attempt", attempt, { min: 0 });
  const { initialMs, multiplier, maxMs } = resolveBackoffOptions(options);
  // multiplier^k overflows to Infinity for large k; min() then yields the cap, as intended.
  return Math.min(initialMs * multiplier ** attempt, maxMs);
}

/**
 * The jittered delay before attempt `attempt + 1`, given one uniform draw in [0, 1):
 * b_k · (1 + jitter · (2·draw − 1)). Pure: the same inputs give the same delay.
 *
 * @param attempt - the 0-based attempt number k.
 * @param draw - a number in [0, 1), normally `random.next()`.
 * @param options - tuning; defaults are the gRPC constants.
 * @throws TypeError or RangeError for an invalid attempt, draw or option.
 */
export function backoffDelay(attempt: number, draw: number, options?: BackoffOptions): number {
  requireFiniteNumber("draw", draw, { min: 0 });
  if (draw >= 1) throw new RangeError(`"draw" must be in [0, 1), got ${draw}`);
  const { jitter } = resolveBackoffOptions(options);
  return baseBackoff(attempt, options) * (1 + jitter * (2 * draw - 1));
}

/**
 * The deadline for a connection attempt that starts at `now` and whose backoff is `backoffMs`:
 * `now + max(backoffMs, minConnectTimeoutMs)`. The spec's `max(deadline, now + MIN_CONNECT_TIMEOUT)`.
 *
 * @throws TypeError or RangeError for non-finite or negative inputs.
 */
export function connectDeadline(
  now: number,
  backoffMs: number,
  minConnectTimeoutMs: number = MIN_CONNECT_TIMEOUT_MS,
): number {
  requireFiniteNumber("now", now);
  requireFiniteNumber("backoffMs", backoffMs, { min: 0 });
  requireFiniteNumber("minConnectTimeoutMs", minConnectTimeoutMs, { min: 0 });
  return now + Math.max(backoffMs, minConnectTimeoutMs);
}

/**
 * The stateful form of {@link backoffDelay}: counts attempts since the last {@link reset}.
 * Callers reset it when a connection is really established (SETTINGS received), never on a bare
 * TCP connect.
 */
export class ExponentialBackoff {
  readonly #options: ResolvedBackoffOptions;
  #attempt = 0;

  /** @throws TypeError or RangeError for invalid options. */
  constructor(options?: BackoffOptions) {
    this.#options = resolveBackoffOptions(options);
  }

  /** The validated options in effect. */
  get options(): ResolvedBackoffOptions {
    return this.#options;
  }

  /** How many delays {@link next} has returned since construction or the last {@link reset}. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The jittered delay for the current attempt (one draw from `random`); advances the counter. */
  next(random: Random): number {
    const delay = backoffDelay(this.#attempt, drawUnit(random), this.#options);
    // Past the cap the attempt number no longer matters; stop counting to stay a safe integer.
    if (this.#attempt < Number.MAX_SAFE_INTEGER) this.#attempt += 1;
    return delay;
  }

  /** Starts over from the initial backoff. */
  reset(): void {
    this.#attempt = 0;
  }
}
