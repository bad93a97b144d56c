import type { TimerHandle } from "../time/clock.js";
import { requireSignal } from "../validate.js";
import { AsyncQueue } from "./async-queue.js";
import type { BalancerPolicy } from "./balancer.js";
import { pickFirst } from "./balancer-pick-first.js";
import { roundRobin } from "./balancer-round-robin.js";
import { type BidiCall, openBidi } from "./call-bidi.js";
import type { CallHost } from "./call-host.js";
import type { CallOptions, MethodDescriptor } from "./call-options.js";
import { runUnary } from "./call-unary.js";
import { ConnectivityState, isSpecTransition } from "./connectivity-state.js";
import { isTooManyPings, KeepaliveInterval } from "./keepalive.js";
import type { LiveTransport } from "./live-transport.js";
import {
  type ClientConnOptions,
  type ResolvedClientConnOptions,
  resolveClientConnOptions,
} from "./options.js";
import { addressError } from "./resolver.js";
import { Status } from "./status.js";
import { StatusError } from "./status-error.js";
import { Subchannel, type SubchannelHost } from "./subchannel.js";
import type { Http2ErrorCodeValue } from "./transport.js";

const { IDLE, CONNECTING, READY, TRANSIENT_FAILURE, SHUTDOWN } = ConnectivityState;

/**
 * A gRPC channel: resolver-fed subchannels (one per address), a load-balancing policy, RPC
 * admission (fail-fast or wait-for-ready), unary and bidi calls, keepalive, GOAWAY draining and
 * an idle timeout — on an injected clock, random source and dialer.
 *
 * The channel is IDLE until an RPC, {@link ClientConn.connect} or `getState(true)` asks for a
 * connection; it returns to IDLE when its connection is lost or drained (and reconnects only when
 * asked again) or after `idleTimeoutMs` without RPCs. After {@link ClientConn.close} it is SHUTDOWN
 * for good and owns no dial, timer or transport.
 */
export class ClientConn implements AsyncDisposable {
  readonly #options: ResolvedClientConnOptions;
  readonly #policy: BalancerPolicy;
  readonly #keepaliveInterval: KeepaliveInterval;
  readonly #transports = new Set<LiveTransport>();
  readonly #stateListeners = new Set<(state: ConnectivityState) => void>();
  readonly #waiters = new Set<() => void>();
  readonly #callHost: CallHost;
  readonly #subchannelHost: SubchannelHost;
  #subchannels: Subchannel[] = [];
  #state: ConnectivityState = IDLE;
  #active = false;
  #resolved = false;
  /** The first malformed address of the resolver's latest list, if any (named when failing). */
  #rejectedAddress: Error | undefined;
  #closed = false;
  #activeCalls = 0;
  #lastActivity = 0;
  #idleTimer: TimerHandle | undefined;

  /**
   * @throws TypeError or RangeError naming the offending option.
   */
  constructor(options: ClientConnOptions) {
    const resolved = resolveClientConnOptions(options);
    this.#options = resolved;
    this.#policy = resolved.balancer === "round_robin" ? roundRobin() : pickFirst();
    this.#keepaliveInterval = new KeepaliveInterval(resolved.keepalive?.timeMs ?? 0);
    this.#lastActivity = resolved.clock.now();
    this.#callHost = this.#makeCallHost();
    this.#subchannelHost = this.#makeSubchannelHost();
    resolved.resolver.start((addresses) => this.#onAddresses(addresses));
  }

  /**
   * The channel's state. With `tryToConnect`, an IDLE channel starts connecting (the returned
   * value is then already CONNECTING or later).
   */
  getState(tryToConnect = false): ConnectivityState {
    if (tryToConnect && this.#state === IDLE) this.#exitIdle();
    return this.#state;
  }

  /** Starts connecting if the channel is IDLE. */
  connect(): void {
    if (this.#state === IDLE) this.#exitIdle();
  }

  /**
   * Resolves `true` as soon as the state differs from `source` (at once if it already does), or
   * `false` when `signal` aborts first. SHUTDOWN never changes, so waiting on it resolves `false`
   * at once.
   *
   * @throws TypeError for an invalid `signal`.
   */
  waitForStateChange(source: ConnectivityState, signal?: AbortSignal): Promise<boolean> {
    requireSignal("signal", signal, { optional: true });
    if (this.#state !== source) return Promise.resolve(true);
    if (source === SHUTDOWN || signal?.aborted === true) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const onAbort = (): void => {
        this.#stateListeners.delete(listener);
        resolve(false);
      };
      const listener = (): void => {
        this.#stateListeners.delete(listener);
        signal?.removeEventListener("abort", onAbort);
        resolve(true);
      };
      this.#stateListeners.add(listener);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Every state the channel enters from now on, in order. Ends after SHUTDOWN, when `signal`
   * aborts, or when the consumer stops iterating.
   *
   * @throws TypeError for an invalid `signal`.
   */
  watchState(signal?: AbortSignal): AsyncIterableIterator<ConnectivityState> {
    requireSignal("signal", signal, { optional: true });
    const queue = new AsyncQueue<ConnectivityState>();
    const stop = (): void => {
      this.#stateListeners.delete(listener);
      signal?.removeEventListener("abort", stop);
      queue.end();
    };
    const listener = (state: ConnectivityState): void => {
      queue.push(state);
      if (state === SHUTDOWN) stop();
    };
    if (this.#closed || signal?.aborted === true) queue.end();
    else {
      this.#stateListeners.add(listener);
      signal?.addEventListener("abort", stop, { once: true });
    }
    const iterator: AsyncIterableIterator<ConnectivityState> = {
      next: () => queue.next(),
      return: async () => {
        stop();
        queue.discard();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * A unary RPC. Rejects with a {@link StatusError}: UNAVAILABLE when fail-fast in
   * TRANSIENT_FAILURE or when the connection died under it, DEADLINE_EXCEEDED, CANCELLED, or the
   * server's status.
   *
   * @throws TypeError or RangeError (synchronously rejected) for invalid arguments.
   */
  unary<Req, Res>(
    method: MethodDescriptor<Req, Res>,
    request: Req,
    options: CallOptions = {},
  ): Promise<Res> {
    return runUnary(this.#callHost, method, request, options);
  }

  /**
   * Opens a bidi streaming RPC; resolves once the stream is open on a READY connection.
   *
   * @throws TypeError or RangeError (rejected) for invalid arguments.
   */
  bidi<Req, Res>(
    method: MethodDescriptor<Req, Res>,
    options: CallOptions = {},
  ): Promise<BidiCall<Req, Res>> {
    return openBidi(this.#callHost, method, options);
  }

  /**
   * Shuts the channel down: SHUTDOWN (absorbing), attempts aborted, timers cleared, every
   * transport closed (open RPCs fail with UNAVAILABLE), queued RPCs failed. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearIdleTimer();
    this.#options.resolver.close();
    for (const subchannel of this.#subchannels) subchannel.shutdown();
    this.#subchannels = [];
    for (const live of [...this.#transports]) live.close();
    this.#transports.clear();
    this.#setState(SHUTDOWN);
    this.#notifyWaiters();
    this.#stateListeners.clear();
  }

  /** Same as {@link ClientConn.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #makeCallHost(): CallHost {
    const options = this.#options;
    return {
      clock: options.clock,
      logger: options.logger,
      pick: (waitForReady, signal, abortError) => this.#pick(waitForReady, signal, abortError),
      // The idle timer is not cleared and re-armed per call (a timer per RPC is costly); it
      // checks on firing how long the channel has really been idle.
      callStarted: () => {
        this.#activeCalls += 1;
        this.#lastActivity = options.clock.now();
      },
      callEnded: () => {
        this.#activeCalls -= 1;
        this.#lastActivity = options.clock.now();
        if (this.#activeCalls === 0) this.#armIdleTimer(options.idleTimeoutMs);
      },
    };
  }

  #makeSubchannelHost(): SubchannelHost {
    const options = this.#options;
    return {
      dialer: options.dialer,
      clock: options.clock,
      random: options.random,
      logger: options.logger,
      backoff: options.backoff,
      minConnectTimeoutMs: options.connectTimeoutMs,
      keepalive: options.keepalive,
      keepaliveInterval: this.#keepaliveInterval,
      transports: this.#transports,
      onSubchannelState: (subchannel, from, to) => this.#onSubchannelState(subchannel, from, to),
      shouldReconnect: (subchannel) =>
        this.#active &&
        !this.#closed &&
        this.#policy.shouldReconnect(this.#subchannels, subchannel),
      onGoaway: (_subchannel, code, debug) => this.#onGoaway(code, debug),
    };
  }

  async #pick(
    waitForReady: boolean,
    signal: AbortSignal,
    abortError: () => Error,
  ): Promise<LiveTransport> {
    for (;;) {
      if (this.#closed) throw new StatusError(Status.UNAVAILABLE, "channel closed");
      if (signal.aborted) throw abortError();
      if (this.#state === IDLE) this.#exitIdle();
      else this.#policy.requestConnections(this.#subchannels);
      const live = this.#policy.pick(this.#subchannels)?.current;
      if (live !== undefined && !live.draining) return live;
      if (this.#state === TRANSIENT_FAILURE && !waitForReady) {
        throw new StatusError(Status.UNAVAILABLE, this.#unavailableDetails());
      }
      await this.#nextChange(signal);
    }
  }

  #unavailableDetails(): string {
    if (this.#subchannels.length === 0) {
      return this.#rejectedAddress === undefined
        ? "no addresses to connect to"
        : `no valid addresses to connect to: ${this.#rejectedAddress.message}`;
    }
    const errors = this.#subchannels
      .map((s) => s.lastError?.message)
      .filter((m): m is string => m !== undefined);
    return errors.length > 0
      ? `connection failed: ${errors.join("; ")}`
      : "no connection available";
  }

  /** Resolves on the next state change of any subchannel, on close, or when `signal` aborts. */
  #nextChange(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.#waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  #notifyWaiters(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #exitIdle(): void {
    if (this.#closed) return;
    this.#active = true;
    this.#lastActivity = this.#options.clock.now();
    this.#policy.requestConnections(this.#subchannels);
    this.#updateState();
    if (this.#activeCalls === 0) this.#armIdleTimer(this.#options.idleTimeoutMs);
  }

  #onAddresses(addresses: readonly string[]): void {
    if (this.#closed) return;
    // A user's resolver may hand over anything: a malformed address would fail and be redialed
    // forever, so it is left out and named in the channel's UNAVAILABLE details instead.
    const wanted: string[] = [];
    let rejected: Error | undefined;
    for (const address of new Set(Array.isArray(addresses) ? addresses : [])) {
      const error = addressError(address);
      if (error === undefined) wanted.push(address);
      else rejected ??= error;
    }
    this.#rejectedAddress = rejected;
    if (rejected !== undefined) {
      this.#options.logger?.log("warn", "resolver handed over an invalid address; ignored", {
        error: rejected.message,
      });
    }
    const existing = new Map(this.#subchannels.map((s) => [s.address, s]));
    const next: Subchannel[] = [];
    for (const address of wanted) {
      const current = existing.get(address);
      if (current !== undefined) existing.delete(address);
      next.push(current ?? new Subchannel(address, this.#subchannelHost));
    }
    for (const removed of existing.values()) removed.shutdown();
    this.#subchannels = next;
    this.#resolved = true;
    this.#options.logger?.log("debug", "channel addresses", { addresses: [...wanted] });
    if (this.#active) this.#policy.requestConnections(this.#subchannels);
    this.#updateState();
    this.#notifyWaiters();
  }

  #onSubchannelState(subchannel: Subchannel, from: ConnectivityState, to: ConnectivityState): void {
    if (this.#closed || !this.#subchannels.includes(subchannel)) return;
    if (this.#active) {
      const busy = this.#subchannels.some((s) => s.state === READY || s.state === CONNECTING);
      // The connection was lost or drained and nothing else is up or coming up: the channel goes
      // IDLE and reconnects only when an RPC or connect() asks (no reconnect storm on GOAWAY).
      if (from === READY && to === IDLE && !busy) this.#active = false;
      else this.#policy.onSubchannelState(this.#subchannels, subchannel, from, to);
    }
    this.#updateState();
    this.#notifyWaiters();
  }

  #onGoaway(code: Http2ErrorCodeValue, debug: string): void {
    if (!isTooManyPings(code, debug)) return;
    this.#keepaliveInterval.backOff();
    this.#options.logger?.log("warn", "too_many_pings: keepalive interval doubled", {
      keepaliveTimeMs: this.#keepaliveInterval.timeMs,
    });
  }

  #computeState(): ConnectivityState {
    if (this.#closed) return SHUTDOWN;
    const states = this.#subchannels.map((s) => s.state);
    if (states.includes(READY)) return READY;
    if (states.includes(CONNECTING)) return CONNECTING;
    if (!this.#active) return IDLE;
    if (!this.#resolved) return CONNECTING;
    if (states.length === 0 || states.includes(TRANSIENT_FAILURE)) return TRANSIENT_FAILURE;
    // Active with only IDLE subchannels: the policy is requesting them right now.
    return CONNECTING;
  }

  #updateState(): void {
    this.#setState(this.#computeState());
  }

  #setState(to: ConnectivityState): void {
    const from = this.#state;
    if (from === to || from === SHUTDOWN) return;
    if (!isSpecTransition(from, to)) {
      // The aggregate jumped over a step (e.g. READY → CONNECTING when the last connection drops
      // while another address is connecting): report the step the spec requires in between.
      const via = [IDLE, CONNECTING, TRANSIENT_FAILURE].find(
        (m) => isSpecTransition(from, m) && isSpecTransition(m, to),
      );
      this.#options.logger?.log("debug", "channel state step inserted", {
        from,
        via: via ?? null,
        to,
      });
      if (via !== undefined) this.#emit(from, via);
      this.#emit(via ?? from, to);
      return;
    }
    this.#emit(from, to);
  }

  #emit(from: ConnectivityState, to: ConnectivityState): void {
    this.#state = to;
    this.#options.logger?.log("debug", "channel state", { from, to });
    for (const listener of [...this.#stateListeners]) listener(to);
  }

  #armIdleTimer(delayMs: number): void {
    const idleTimeoutMs = this.#options.idleTimeoutMs;
    if (idleTimeoutMs === 0 || this.#closed || this.#idleTimer !== undefined) return;
    if (this.#state === IDLE && !this.#active) return;
    this.#idleTimer = this.#options.clock.setTimeout(() => {
      this.#idleTimer = undefined;
      this.#onIdleTimer();
    }, delayMs);
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer !== undefined) {
      this.#options.clock.clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
  }

  #onIdleTimer(): void {
    if (this.#closed || this.#activeCalls > 0) return;
    const idleTimeoutMs = this.#options.idleTimeoutMs;
    const idleFor = this.#options.clock.now() - this.#lastActivity;
    if (idleFor < idleTimeoutMs) {
      this.#armIdleTimer(idleTimeoutMs - idleFor);
      return;
    }
    // Never cut an attempt short: CONNECTING → IDLE is not a spec transition.
    if (this.#state === CONNECTING) {
      this.#armIdleTimer(idleTimeoutMs);
      return;
    }
    this.#options.logger?.log("debug", "channel idle timeout", { idleTimeoutMs });
    this.#active = false;
    for (const subchannel of this.#subchannels) subchannel.enterIdle();
    this.#updateState();
  }
}
