import {
  MAX_TIMER_DELAY_MS,
  requireBoolean,
  requireFiniteDuration,
  requireObject,
} from "../validate.js";

/** Keepalive pings (gRFC A8). Disabled unless given. */
export interface KeepaliveOptions {
  /** Ping after this long without reading anything from the connection. Must be > 0. */
  readonly timeMs: number;
  /** The connection is considered dead when a ping is not acknowledged in time. Default 20 s. */
  readonly timeoutMs?: number;
  /** Ping even when no RPC is active. Default false. */
  readonly permitWithoutCalls?: boolean;
}

/** Default keepalive ack timeout (gRFC A8): 20 s. */
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 20_000;

/** The largest keepalive interval reached by doubling: the largest delay a timer can hold. */
export const MAX_KEEPALIVE_TIME_MS = MAX_TIMER_DELAY_MS;

/** Validated keepalive settings. */
export interface ResolvedKeepalive {
  readonly timeMs: number;
  readonly timeoutMs: number;
  readonly permitWithoutCalls: boolean;
}

/**
 * Validates keepalive options.
 *
 * @throws TypeError or RangeError naming the offending `keepalive.*` option.
 */
export function resolveKeepalive(
  options: KeepaliveOptions | undefined,
): ResolvedKeepalive | undefined {
  if (options === undefined) return undefined;
  requireObject("keepalive", options);
  const timeMs = requireFiniteDuration("keepalive.timeMs", options.timeMs, { min: 1 });
  const timeoutMs = requireFiniteDuration(
    "keepalive.timeoutMs",
    options.timeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS,
    { min: 1 },
  );
  const permitWithoutCalls = requireBoolean(
    "keepalive.permitWithoutCalls",
    options.permitWithoutCalls ?? false,
  );
  return { timeMs, timeoutMs, permitWithoutCalls };
}

/**
 * The channel-wide keepalive interval. A GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings") doubles it
 * for every connection created afterwards; it only grows and stops at {@link MAX_KEEPALIVE_TIME_MS}.
 */
export class KeepaliveInterval {
  #timeMs: number;

  constructor(initialMs: number) {
    this.#timeMs = initialMs;
  }

  /** The interval new connections use. */
  get timeMs(): number {
    return this.#timeMs;
  }

  /** Doubles the interval (monotone, capped). */
  backOff(): void {
    this.#timeMs = Math.min(this.#timeMs * 2, MAX_KEEPALIVE_TIME_MS);
  }
}

/** True for the GOAWAY a server sends to a client that pings too often. */
export function isTooManyPings(code: number, debug: string): boolean {
  // ENHANCE_YOUR_CALM (0xb) with the debug text grpc servers use.
  return code === 0xb && debug === "too_many_pings";
}
