import type { Metadata } from "../conn/metadata.js";
import type { Logger } from "../log/logger.js";
import type { Clock } from "../time/clock.js";
import type { LeaseClient } from "./lease-client.js";

/** Options of a {@link Lessor}. Durations are milliseconds. */
export interface LessorOptions {
  /** The etcd `Lease` service. */
  readonly client: LeaseClient;
  /** The only source of time. */
  readonly clock: Clock;
  /** Receives dropped-response warnings and stream errors. */
  readonly logger?: Logger;
  /** Metadata sent on every call (e.g. `client-api-version`). */
  readonly metadata?: Metadata;
  /**
   * Deadline for the first keep-alive response, before the lease's TTL is known. clientv3 uses the
   * dial timeout + 1 s, or `defaultTTL` (5 s) when no dial timeout is set. Default 5000.
   */
  readonly firstKeepAliveTimeoutMs?: number;
  /** Wait before reopening a failed keep-alive stream (`retryConnWait`). Default 500. */
  readonly retryConnWaitMs?: number;
  /** Period of the send loop's re-check for due leases. Default 500 (= `retryConnWait` in Go). */
  readonly sendIntervalMs?: number;
  /** Period of the deadline loop. Default 1000. */
  readonly deadlineIntervalMs?: number;
  /** Responses buffered per subscriber before new ones are dropped. Default 16. */
  readonly responseBufferSize?: number;
}

/** The lessor's constants, validated, with defaults applied. */
export interface ResolvedLessorOptions {
  readonly client: LeaseClient;
  readonly clock: Clock;
  readonly logger: Logger | undefined;
  readonly metadata: Metadata;
  readonly firstKeepAliveTimeoutMs: number;
  readonly retryConnWaitMs: number;
  readonly sendIntervalMs: number;
  readonly deadlineIntervalMs: number;
  readonly responseBufferSize: number;
}

/** clientv3 defaults. */
export const LESSOR_DEFAULTS = Object.freeze({
  firstKeepAliveTimeoutMs: 5000,
  retryConnWaitMs: 500,
  sendIntervalMs: 500,
  deadlineIntervalMs: 1000,
  responseBufferSize: 16,
});

function positiveMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`Lessor: ${name} must be a number, got ${String(value)}`);
  }
  if (!Number.isFinite(value) || value <= 0 || value > 2 ** 31 - 1) {
    throw new RangeError(`Lessor: ${name} must be in (0, 2^31-1] ms, got ${value}`);
  }
  return value;
}

/** Validates `options` (TypeError/RangeError) and applies the defaults. */
export function resolveLessorOptions(options: LessorOptions): ResolvedLessorOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Lessor: options must be an object");
  }
  const { client, clock } = options;
  if (typeof client !== "object" || client === null || typeof client.keepAlive !== "function") {
    throw new TypeError("Lessor: options.client must be a LeaseClient");
  }
  if (
    typeof clock !== "object" ||
    clock === null ||
    typeof clock.now !== "function" ||
    typeof clock.setTimeout !== "function" ||
    typeof clock.clearTimeout !== "function"
  ) {
    throw new TypeError("Lessor: options.clock must be a Clock (now, setTimeout, clearTimeout)");
  }
  const { logger } = options;
  if (
    logger !== undefined &&
    (typeof logger !== "object" || logger === null || typeof logger.log !== "function")
  ) {
    throw new TypeError("Lessor: options.logger must be a Logger (an object with log)");
  }
  const size = options.responseBufferSize ?? LESSOR_DEFAULTS.responseBufferSize;
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`Lessor: responseBufferSize must be a positive integer, got ${size}`);
  }
  const d = LESSOR_DEFAULTS;
  return {
    client,
    clock,
    logger: options.logger,
    metadata: options.metadata ?? {},
    firstKeepAliveTimeoutMs: positiveMs(
      "firstKeepAliveTimeoutMs",
      options.firstKeepAliveTimeoutMs,
      d.firstKeepAliveTimeoutMs,
    ),
    retryConnWaitMs: positiveMs("retryConnWaitMs", options.retryConnWaitMs, d.retryConnWaitMs),
    sendIntervalMs: positiveMs("sendIntervalMs", options.sendIntervalMs, d.sendIntervalMs),
    deadlineIntervalMs: positiveMs(
      "deadlineIntervalMs",
      options.deadlineIntervalMs,
      d.deadlineIntervalMs,
    ),
    responseBufferSize: size,
  };
}

const MAX_INT64 = 2n ** 63n - 1n;

/** Throws unless `id` is a lease ID a caller may name: a bigint in [1, 2^63-1]. */
export function validateLeaseId(id: unknown): asserts id is bigint {
  if (typeof id !== "bigint") {
    throw new TypeError(`lease ID must be a bigint, got ${typeof id}`);
  }
  if (id <= 0n || id > MAX_INT64) {
    throw new RangeError(`lease ID must be in [1, 2^63-1], got ${id}`);
  }
}

/** Throws unless `ttl` is an integer number of seconds (the server raises small ones). */
export function validateTtl(ttl: unknown): asserts ttl is number {
  if (typeof ttl !== "number") throw new TypeError(`TTL must be a number, got ${typeof ttl}`);
  if (!Number.isSafeInteger(ttl)) {
    throw new RangeError(`TTL must be a safe integer number of seconds, got ${ttl}`);
  }
}
