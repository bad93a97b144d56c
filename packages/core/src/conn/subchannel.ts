import { DsimError } from "../errors.js";
import type { Logger } from "../log/logger.js";
import type { Random } from "../random/random.js";
import { ExponentialBackoff, type ResolvedBackoffOptions } from "../retry/backoff.js";
import type { Clock, TimerHandle } from "../time/clock.js";
import { ConnectivityState } from "./connectivity-state.js";
import type { KeepaliveInterval, ResolvedKeepalive } from "./keepalive.js";
import { LiveTransport } from "./live-transport.js";
import type { Dialer, Http2ErrorCodeValue } from "./transport.js";

const { IDLE, CONNECTING, READY, TRANSIENT_FAILURE, SHUTDOWN } = ConnectivityState;

/** What a subchannel needs from the channel that owns it. */
export interface SubchannelHost {
  readonly dialer: Dialer;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger | undefined;
  readonly backoff: ResolvedBackoffOptions;
  readonly minConnectTimeoutMs: number;
  readonly keepalive: ResolvedKeepalive | undefined;
  readonly keepaliveInterval: KeepaliveInterval;
  /** Every transport of the channel that is not closed yet (closed on channel close). */
  readonly transports: Set<LiveTransport>;
  /** A state change of this subchannel, after it happened. */
  onSubchannelState(subchannel: Subchannel, from: ConnectivityState, to: ConnectivityState): void;
  /** Asked when backoff ends in TRANSIENT_FAILURE: reconnect now (true) or go IDLE (false). */
  shouldReconnect(subchannel: Subchannel): boolean;
  /** A transport of this subchannel received GOAWAY (for the channel-wide keepalive policy). */
  onGoaway(subchannel: Subchannel, code: Http2ErrorCodeValue, debug: string): void;
}

/**
 * One address and the connection to it, with the connectivity state machine of the spec:
 *
 * - IDLE → CONNECTING on {@link Subchannel.requestConnection}; one attempt at a time.
 * - CONNECTING → READY when the dial resolved (SETTINGS arrived): backoff resets here only.
 * - CONNECTING → TRANSIENT_FAILURE when the dial failed or hit its deadline
 *   `max(backoff, minConnectTimeout)` after the attempt started.
 * - TRANSIENT_FAILURE → CONNECTING when the backoff (measured from the attempt's start) is over and
 *   the channel still wants a connection, else → IDLE.
 * - READY → IDLE on GOAWAY or connection loss: no reconnect until someone asks.
 * - any → SHUTDOWN on {@link Subchannel.shutdown}; absorbing.
 *
 * Each attempt gets a fresh {@link LiveTransport} whose identity is the generation token: events
 * from any other transport than the current one never change the state.
 *
 * @internal
 */
export class Subchannel {
  /** The address this subchannel connects to. */
  readonly address: string;
  readonly #host: SubchannelHost;
  readonly #backoff: ExponentialBackoff;
  #state: ConnectivityState = IDLE;
  #generation = 0;
  #current: LiveTransport | undefined;
  #attempt: { live: LiveTransport; controller: AbortController; timer: TimerHandle } | undefined;
  #backoffTimer: TimerHandle | undefined;
  #backoffDeadline = 0;
  #wantConnection = false;
  #lastError: Error | undefined;

  constructor(address: string, host: SubchannelHost) {
    this.address = address;
    this.#host = host;
    this.#backoff = new ExponentialBackoff(host.backoff);
  }

  /** The current connectivity state. */
  get state(): ConnectivityState {
    return this.#state;
  }

  /** The last connection error, for UNAVAILABLE details. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** The READY transport, if any. */
  get current(): LiveTransport | undefined {
    return this.#current;
  }

  /** Asks for a connection: starts one from IDLE, or right after the backoff in TRANSIENT_FAILURE. */
  requestConnection(): void {
    if (this.#state === IDLE) this.#startAttempt();
    else if (this.#state === TRANSIENT_FAILURE) this.#wantConnection = true;
  }

  /** Drains the current transport and goes IDLE; stops a pending backoff (channel idleness). */
  enterIdle(): void {
    if (this.#state === READY) {
      const live = this.#current;
      this.#current = undefined;
      live?.drain();
      this.#setState(IDLE);
    } else if (this.#state === TRANSIENT_FAILURE) {
      this.#clearBackoffTimer();
      this.#wantConnection = false;
      this.#setState(IDLE);
    }
  }

  /**
   * Moves to SHUTDOWN for good: aborts the attempt, clears the backoff timer and drains the
   * current transport (its streams finish, then it closes).
   */
  shutdown(): void {
    if (this.#state === SHUTDOWN) return;
    this.#cancelAttempt();
    this.#clearBackoffTimer();
    const live = this.#current;
    this.#current = undefined;
    this.#setState(SHUTDOWN);
    live?.drain();
  }

  #startAttempt(): void {
    const host = this.#host;
    const now = host.clock.now();
    const backoffMs = this.#backoff.next(host.random);
    this.#backoffDeadline = now + backoffMs;
    const generation = ++this.#generation;
    const live = new LiveTransport({
      generation,
      address: this.address,
      clock: host.clock,
      logger: host.logger,
      keepalive:
        host.keepalive === undefined
          ? undefined
          : { ...host.keepalive, timeMs: host.keepaliveInterval.timeMs },
      events: {
        onGoaway: (source, lastStreamId, code, debug) =>
          this.#onGoaway(source, lastStreamId, code, debug),
        onClose: (source, error) => this.#onClose(source, error),
      },
    });
    const controller = new AbortController();
    const timeoutMs = Math.max(backoffMs, host.minConnectTimeoutMs);
    const timer = host.clock.setTimeout(() => {
      const error = new DsimError(
        "TIMEOUT",
        `connect to ${this.address} timed out after ${timeoutMs} ms`,
      );
      // Fail the attempt here rather than wait for the dialer to notice the abort: CONNECTING
      // ends by its deadline even with a dialer that never settles.
      this.#onDialRejected(live, error);
    }, timeoutMs);
    this.#attempt = { live, controller, timer };
    this.#setState(CONNECTING);
    host.logger?.log("debug", "subchannel dial", {
      address: this.address,
      generation,
      connectTimeoutMs: timeoutMs,
      backoffMs,
    });
    let dialing: Promise<unknown>;
    try {
      dialing = host.dialer.dial(this.address, {
        signal: controller.signal,
        listener: live.listener,
      });
    } catch (error) {
      dialing = Promise.reject(error);
    }
    dialing.then(
      (transport) => this.#onDialResolved(live, transport),
      (error: unknown) => this.#onDialRejected(live, error),
    );
  }

  #onDialResolved(live: LiveTransport, value: unknown): void {
    const transport = value as NonNullable<LiveTransport["transport"]>;
    const attempt = this.#attempt;
    if (attempt?.live !== live) {
      // A stale attempt (aborted, superseded or shut down) that connected anyway: drop it.
      transport.close();
      return;
    }
    if (live.draining || transport.draining) {
      // GOAWAY or close raced the dial's resolution: the connection is unusable, count the
      // attempt as failed rather than report READY on a dead transport.
      transport.close();
      this.#onDialRejected(live, new Error(`connection to ${this.address} drained before use`));
      return;
    }
    this.#host.clock.clearTimeout(attempt.timer);
    this.#attempt = undefined;
    // SETTINGS arrived: the only moment backoff may start over.
    this.#backoff.reset();
    live.attach(transport);
    this.#host.transports.add(live);
    this.#current = live;
    this.#lastError = undefined;
    this.#setState(READY);
  }

  #onDialRejected(live: LiveTransport, error: unknown): void {
    const attempt = this.#attempt;
    if (attempt?.live !== live) return;
    this.#host.clock.clearTimeout(attempt.timer);
    attempt.controller.abort(error);
    this.#attempt = undefined;
    this.#lastError = error instanceof Error ? error : new Error(String(error));
    this.#host.logger?.log("debug", "subchannel dial failed", {
      address: this.address,
      generation: live.generation,
      error: this.#lastError.message,
    });
    this.#setState(TRANSIENT_FAILURE);
    const delay = Math.max(0, this.#backoffDeadline - this.#host.clock.now());
    this.#backoffTimer = this.#host.clock.setTimeout(() => {
      this.#backoffTimer = undefined;
      this.#onBackoffOver();
    }, delay);
  }

  #onBackoffOver(): void {
    if (this.#state !== TRANSIENT_FAILURE) return;
    const want = this.#wantConnection || this.#host.shouldReconnect(this);
    this.#wantConnection = false;
    if (want) this.#startAttempt();
    else this.#setState(IDLE);
  }

  #onGoaway(
    live: LiveTransport,
    lastStreamId: number,
    code: Http2ErrorCodeValue,
    debug: string,
  ): void {
    this.#host.logger?.log("debug", "subchannel goaway", {
      address: this.address,
      generation: live.generation,
      lastStreamId,
      code,
      debug,
    });
    this.#host.onGoaway(this, code, debug);
    if (live !== this.#current) return;
    this.#current = undefined;
    this.#setState(IDLE);
  }

  #onClose(live: LiveTransport, error: Error | undefined): void {
    this.#host.transports.delete(live);
    if (live !== this.#current) return;
    this.#current = undefined;
    if (error !== undefined) this.#lastError = error;
    this.#host.logger?.log("debug", "subchannel transport closed", {
      address: this.address,
      generation: live.generation,
      error: error === undefined ? null : error.message,
    });
    if (this.#state === READY) this.#setState(IDLE);
  }

  #cancelAttempt(): void {
    const attempt = this.#attempt;
    if (attempt === undefined) return;
    this.#attempt = undefined;
    this.#host.clock.clearTimeout(attempt.timer);
    attempt.controller.abort(new DsimError("CLOSED", `subchannel ${this.address} shut down`));
  }

  #clearBackoffTimer(): void {
    if (this.#backoffTimer !== undefined) {
      this.#host.clock.clearTimeout(this.#backoffTimer);
      this.#backoffTimer = undefined;
    }
  }

  #setState(to: ConnectivityState): void {
    const from = this.#state;
    if (from === to) return;
    if (from === SHUTDOWN) return;
    this.#state = to;
    this.#host.logger?.log("debug", "subchannel state", { address: this.address, from, to });
    this.#host.onSubchannelState(this, from, to);
  }
}
