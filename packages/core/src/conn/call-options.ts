import { isTimeoutError } from "../time/abort.js";
import { anySignal } from "../time/any-signal.js";
import type { Clock } from "../time/clock.js";
import { timeoutSignal } from "../time/timeout-signal.js";
import {
  MAX_TIMER_DELAY_MS,
  requireBoolean,
  requireFiniteNumber,
  requireObject,
  requireSignal,
  requireString,
} from "../validate.js";
import type { Codec } from "./codec.js";
import type { Metadata } from "./metadata.js";
import { Status } from "./status.js";
import { StatusError } from "./status-error.js";

/** Options of one RPC. */
export interface CallOptions {
  /** Cancels the RPC (CANCELLED). Cancels this caller's RPC only. */
  readonly signal?: AbortSignal;
  /** Request metadata (headers), e.g. `{ hasleader: ["true"] }`. */
  readonly metadata?: Metadata;
  /**
   * Wait-for-ready: queue through TRANSIENT_FAILURE until READY or the deadline, instead of
   * failing fast with UNAVAILABLE. Default false.
   */
  readonly waitForReady?: boolean;
  /** Absolute deadline on the channel's clock (same scale as `Clock.now()`): DEADLINE_EXCEEDED. */
  readonly deadline?: number;
}

/** One method: its full path and the codecs of its messages. */
export interface MethodDescriptor<Req, Res> {
  /** The full method path, e.g. `/etcdserverpb.Lease/LeaseGrant`. */
  readonly path: string;
  /** Encodes requests. */
  readonly requestCodec: Codec<Req>;
  /** Decodes responses. */
  readonly responseCodec: Codec<Res>;
}

/** Validated call options. @internal */
export interface ResolvedCallOptions {
  readonly metadata: Metadata;
  readonly waitForReady: boolean;
}

/**
 * Validates a method descriptor and call options.
 *
 * @throws TypeError or RangeError naming the offending option.
 * @internal
 */
export function resolveCall<Req, Res>(
  method: MethodDescriptor<Req, Res>,
  options: CallOptions,
): ResolvedCallOptions {
  requireObject("method", method);
  requireString("method.path", method.path, { nonEmpty: true });
  requireObject("method.requestCodec", method.requestCodec);
  requireObject("method.responseCodec", method.responseCodec);
  requireObject("options", options);
  requireSignal("options.signal", options.signal, { optional: true });
  if (options.deadline !== undefined) requireFiniteNumber("options.deadline", options.deadline);
  const waitForReady = requireBoolean("options.waitForReady", options.waitForReady ?? false);
  const metadata = options.metadata ?? {};
  requireObject("options.metadata", metadata);
  return { metadata, waitForReady };
}

/**
 * The cancellation scope of one RPC: the caller's signal, its deadline and its own cancel, merged
 * into one signal. `clear()` releases the deadline timer and the listener on the caller's signal.
 *
 * @internal
 */
export interface CallScope {
  readonly signal: AbortSignal;
  /** Cancels the RPC from inside (e.g. a bidi call's `cancel()`). */
  cancel(): void;
  /** The status an abort of {@link CallScope.signal} stands for. */
  abortError(): StatusError;
  clear(): void;
}

/**
 * Builds the {@link CallScope} of one RPC from its options.
 *
 * @internal
 */
export function callScope(clock: Clock, options: CallOptions): CallScope {
  const own = new AbortController();
  const linked = anySignal([options.signal, own.signal]);
  let timeout: { clear(): void; signal: AbortSignal } | undefined;
  let signal = linked.signal;
  if (options.deadline !== undefined) {
    const remaining = Math.min(Math.max(0, options.deadline - clock.now()), MAX_TIMER_DELAY_MS);
    timeout = timeoutSignal(clock, remaining, linked.signal);
    signal = timeout.signal;
  }
  return {
    signal,
    cancel: () => own.abort(new StatusError(Status.CANCELLED, "call cancelled")),
    abortError: () => {
      const reason: unknown = signal.reason;
      if (isTimeoutError(reason))
        return new StatusError(Status.DEADLINE_EXCEEDED, "deadline exceeded");
      return new StatusError(Status.CANCELLED, "call cancelled", { cause: reason });
    },
    clear: () => {
      timeout?.clear();
      linked.clear();
    },
  };
}
