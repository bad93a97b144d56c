import type { Logger } from "../log/logger.js";
import type { Random } from "../random/random.js";
import {
  type BackoffOptions,
  MIN_CONNECT_TIMEOUT_MS,
  type ResolvedBackoffOptions,
  resolveBackoffOptions,
} from "../retry/backoff.js";
import type { Clock } from "../time/clock.js";
import {
  requireFiniteDuration,
  requireFunction,
  requireObject,
  requireOneOf,
} from "../validate.js";
import type { BalancerName } from "./balancer.js";
import { type KeepaliveOptions, type ResolvedKeepalive, resolveKeepalive } from "./keepalive.js";
import { type Resolver, staticResolver } from "./resolver.js";
import type { Dialer } from "./transport.js";

/** Default idle timeout: 30 minutes, as in grpc-go and grpc-js. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;

/** Options of a {@link ClientConn}. Give exactly one of `target` and `resolver`. */
export interface ClientConnOptions {
  /** One address or a fixed list of addresses (`"host:port"`). */
  readonly target?: string | readonly string[];
  /** A resolver pushing full address lists (dial new addresses, drain removed ones). */
  readonly resolver?: Resolver;
  /** Opens connections. */
  readonly dialer: Dialer;
  /** Every timer of the channel runs on it. */
  readonly clock: Clock;
  /** Backoff jitter draws. */
  readonly random: Random;
  /** Optional structured logger (state changes, dials, GOAWAYs at `debug`). */
  readonly logger?: Logger;
  /** Load-balancing policy. Default `"pick_first"`. */
  readonly balancer?: BalancerName;
  /** Keepalive pings; disabled when absent. */
  readonly keepalive?: KeepaliveOptions;
  /** The channel goes IDLE after this long without RPCs. 0 disables. Default 30 min. */
  readonly idleTimeoutMs?: number;
  /** Connection backoff; defaults are the gRPC constants (1 s, ×1.6, ±20 %, 120 s). */
  readonly backoff?: BackoffOptions;
  /** The minimum time a connection attempt is given (MIN_CONNECT_TIMEOUT). Default 20 s. */
  readonly connectTimeoutMs?: number;
}

/** Validated options. @internal */
export interface ResolvedClientConnOptions {
  readonly resolver: Resolver;
  readonly dialer: Dialer;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger | undefined;
  readonly balancer: BalancerName;
  readonly keepalive: ResolvedKeepalive | undefined;
  readonly idleTimeoutMs: number;
  readonly backoff: ResolvedBackoffOptions;
  readonly connectTimeoutMs: number;
}

function requireMethod(name: string, owner: object, method: string): void {
  requireFunction(`${name}.${method}`, (owner as Record<string, unknown>)[method]);
}

/**
 * Validates {@link ClientConnOptions} up front.
 *
 * @throws TypeError or RangeError naming the offending option.
 * @internal
 */
export function resolveClientConnOptions(options: ClientConnOptions): ResolvedClientConnOptions {
  requireObject("options", options);
  const { target, resolver } = options;
  if ((target === undefined) === (resolver === undefined)) {
    throw new TypeError('exactly one of "target" and "resolver" must be given');
  }
  let resolved: Resolver;
  if (resolver !== undefined) {
    requireObject("resolver", resolver);
    requireMethod("resolver", resolver, "start");
    requireMethod("resolver", resolver, "close");
    resolved = resolver;
  } else if (typeof target === "string") {
    if (target.length === 0) throw new RangeError('"target" must be a non-empty string');
    resolved = staticResolver([target]);
  } else if (Array.isArray(target)) {
    resolved = staticResolver(target);
  } else {
    throw new TypeError('"target" must be a string or an array of strings');
  }
  requireObject("dialer", options.dialer);
  requireMethod("dialer", options.dialer, "dial");
  requireObject("clock", options.clock);
  for (const method of ["now", "setTimeout", "clearTimeout"])
    requireMethod("clock", options.clock, method);
  requireObject("random", options.random);
  requireMethod("random", options.random, "next");
  if (options.logger !== undefined) {
    requireObject("logger", options.logger);
    requireMethod("logger", options.logger, "log");
  }
  const balancer = requireOneOf("balancer", options.balancer ?? "pick_first", [
    "pick_first",
    "round_robin",
  ] as const);
  const idleTimeoutMs = requireFiniteDuration(
    "idleTimeoutMs",
    options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
  );
  const connectTimeoutMs = requireFiniteDuration(
    "connectTimeoutMs",
    options.connectTimeoutMs ?? MIN_CONNECT_TIMEOUT_MS,
    { min: 1 },
  );
  let backoff: ResolvedBackoffOptions;
  try {
    backoff = resolveBackoffOptions(options.backoff ?? {});
  } catch (error) {
    // Name the option as the caller wrote it: "backoff.initialMs", not "initialMs".
    if (error instanceof TypeError || error instanceof RangeError) {
      const Ctor = error instanceof RangeError ? RangeError : TypeError;
      throw new Ctor(
        error.message.replace(/^"(\w+)"/, '"backoff.$1"').replace(/^"options"/, '"backoff"'),
      );
    }
    throw error;
  }
  return {
    resolver: resolved,
    dialer: options.dialer,
    clock: options.clock,
    random: options.random,
    logger: options.logger,
    balancer,
    keepalive: resolveKeepalive(options.keepalive),
    idleTimeoutMs,
    backoff,
    connectTimeoutMs,
  };
}
