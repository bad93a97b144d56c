import { DsimError } from "../errors.js";
import type { Logger } from "../log/logger.js";
import type { Random } from "../random/random.js";
import type { Clock } from "../time/clock.js";
import { requireFunction, requireObject, requireSignal } from "../validate.js";
import { requireClock, requireOptionalLogger, requireRandom } from "../validate-ports.js";
import { deliverFailure, type ErrorSink } from "./error-sink.js";
import type { HttpClient } from "./http-client.js";
import { type JsonWebKeySet, parseJwks } from "./jwks.js";
import { LongTimer } from "./long-timer.js";
import {
  type AllowList,
  normalizeUrl,
  type Parser,
  resolveUrlOptions,
  type UrlOptions,
  validateAllowList,
} from "./options.js";
import { RefreshError } from "./refresh-error.js";
import { performRequest } from "./request.js";
import { Flight } from "./single-flight.js";
import type { RefreshTargetSnapshot } from "./snapshot.js";
import { type FetchResult, UrlState } from "./url-state.js";

/** Options of the {@link AutoRefresh} constructor. */
export interface AutoRefreshOptions<T> {
  /** Every timer and timestamp comes from this clock. */
  readonly clock: Clock;
  /** Draws for backoff jitter. */
  readonly random: Random;
  /** The default HTTP client (a `fetch`-compatible function). */
  readonly httpClient: HttpClient;
  /** The default body parser. */
  readonly parse: Parser<T>;
  /** Default allow-list for every URL (per-URL `allow` replaces it). */
  readonly allow?: AllowList;
  /** Receives every failed request; see {@link ErrorSink}. Replaceable with `setErrorSink`. */
  readonly onError?: ErrorSink;
  /** Optional structured logger. */
  readonly logger?: Logger;
}

/** Options of {@link AutoRefresh.fetch} and {@link AutoRefresh.refresh}. */
export interface FetchCallOptions {
  /** Cancels this caller's wait only; the shared request goes on for the others. */
  readonly signal?: AbortSignal;
}

/**
 * Keeps values fetched from HTTP URLs fresh in the background: the seed's jwx `AutoRefresh`,
 * with the lessons of its successors (request timeout, a hard interval floor that also rate-limits
 * forced refreshes, followers that see the leader's real error, sequence checks, dispose).
 *
 * Register URLs with {@link configure}, read with {@link fetch}. The first `fetch` of a URL makes
 * one request shared by every concurrent caller; after that the value is served from memory while
 * a timer refreshes it: after the explicit interval, or the response's freshness lifetime, never
 * sooner than the minimum interval. Failed refreshes keep the last good value.
 */
export class AutoRefresh<T> implements AsyncDisposable {
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #defaults: { httpClient: HttpClient; parse: Parser<T>; allow: AllowList | undefined };
  readonly #logger: Logger | undefined;
  readonly #states = new Map<string, UrlState<T>>();
  /** Requests of removed URLs still settling; awaited by close(). */
  readonly #orphans = new Set<Promise<unknown>>();
  #sink: ErrorSink | undefined;
  #closed = false;

  /** @throws TypeError when a required option is missing or has the wrong type. */
  constructor(options: AutoRefreshOptions<T>) {
    requireObject("options", options);
    this.#clock = requireClock("clock", options.clock);
    this.#random = requireRandom("random", options.random);
    this.#defaults = {
      httpClient: requireFunction<HttpClient>("httpClient", options.httpClient),
      parse: requireFunction<Parser<T>>("parse", options.parse),
      allow: validateAllowList("allow", options.allow),
    };
    this.#sink =
      options.onError === undefined
        ? undefined
        : requireFunction<ErrorSink>("onError", options.onError);
    this.#logger = requireOptionalLogger("logger", options.logger);
  }

  /**
   * Registers `url`, or replaces its options as a whole. Registration fetches nothing; the first
   * {@link fetch} does. Re-configuring keeps the cached value and the running schedule.
   *
   * @returns the normalised URL (the key every other method accepts in any equivalent spelling).
   * @throws TypeError / RangeError for an invalid URL or options; RefreshError `URL_NOT_ALLOWED`;
   * DsimError `CLOSED` after {@link close}.
   */
  configure(url: string, options?: UrlOptions<T>): string {
    this.#throwIfClosed();
    const key = normalizeUrl(url);
    const resolved = resolveUrlOptions(key, options, this.#defaults);
    const existing = this.#states.get(key);
    if (existing === undefined) this.#states.set(key, new UrlState(key, resolved));
    else existing.reconfigure(resolved);
    return key;
  }

  /** True when `url` is registered (false for a malformed URL). */
  isRegistered(url: string): boolean {
    try {
      return this.#states.has(normalizeUrl(url));
    } catch {
      return false;
    }
  }

  /** Replaces the error sink (`undefined` drops failures). Only later failures are delivered. */
  setErrorSink(sink: ErrorSink | undefined): void {
    this.#sink = sink === undefined ? undefined : requireFunction<ErrorSink>("sink", sink);
  }

  /**
   * The cached value of `url`; if there is none yet, waits for the shared first request (starting
   * it when none runs). Rejects with that request's real error.
   *
   * @throws RefreshError `URL_NOT_REGISTERED`; `COOLING_DOWN` when no value is cached and the last
   * request started less than the minimum interval ago; DsimError `CLOSED`; the caller's abort reason.
   */
  async fetch(url: string, options: FetchCallOptions = {}): Promise<T> {
    const signal = this.#callerSignal(options);
    const state = this.#registered(url);
    signal?.throwIfAborted();
    if (state.value !== undefined) return state.value.value;
    if (state.flight !== undefined) {
      return this.#wait(state.flight, signal);
    }
    this.#throwIfCoolingDown(state);
    return this.#wait(this.#start(state, false), signal);
  }

  /**
   * The cached value of `url` without ever starting a request, or `undefined` when there is none
   * (or the URL is not registered). For observers and tests that must not disturb the schedule.
   */
  peek(url: string): T | undefined {
    try {
      return this.#states.get(normalizeUrl(url))?.value?.value;
    } catch {
      return undefined;
    }
  }

  /**
   * Forces a request now and waits for its value, within the rate limit: if the last request
   * started less than the minimum interval ago, joins the request in flight, else returns the
   * cached value, else rejects with `COOLING_DOWN`. Outside the cooldown a new request starts
   * even if an older one is still in flight (the caller wants a response that began after the
   * call); the sequence check keeps the older response from replacing the newer value.
   *
   * @throws as {@link fetch}.
   */
  async refresh(url: string, options: FetchCallOptions = {}): Promise<T> {
    const signal = this.#callerSignal(options);
    const state = this.#registered(url);
    signal?.throwIfAborted();
    if (this.#coolingDown(state)) {
      if (state.flight !== undefined) return this.#wait(state.flight, signal);
      if (state.value !== undefined) return state.value.value;
      this.#throwIfCoolingDown(state);
    }
    return this.#wait(this.#start(state, false), signal);
  }

  /**
   * Unregisters `url`: stops its timer, drops its value, and aborts its requests (their waiters
   * get `URL_NOT_REGISTERED`). Registering it again starts from nothing.
   *
   * @throws RefreshError `URL_NOT_REGISTERED` when it is not registered; DsimError `CLOSED`.
   */
  remove(url: string): void {
    const state = this.#registered(url);
    this.#states.delete(state.url);
    state.timer?.cancel();
    state.value = undefined;
    const reason = new RefreshError("URL_NOT_REGISTERED", `${state.url} was removed`, {
      url: state.url,
    });
    for (const flight of state.flights) {
      flight.abort(reason);
      const settled = flight.promise.then(
        () => undefined,
        () => undefined,
      );
      this.#orphans.add(settled);
      void settled.then(() => this.#orphans.delete(settled));
    }
  }

  /** The state of every registered URL, in registration order. */
  snapshot(): RefreshTargetSnapshot[] {
    const now = this.#clock.now();
    return [...this.#states.values()].map((s) => ({
      url: s.url,
      lastRefresh: s.lastSuccessAt,
      nextRefresh: s.timer?.pending === true ? s.timer.dueAt : undefined,
      lastRequest: s.lastRequestAt,
      lastError: s.lastError,
      hasValue: s.value !== undefined,
      fresh: s.value !== undefined && s.freshUntil !== undefined && now < s.freshUntil,
      reloading: s.flights.size > 0,
      coolingDown: this.#coolingDown(s),
    }));
  }

  /**
   * Stops every timer, aborts every request (waiters get `CLOSED`) and resolves once they have
   * settled. Idempotent. Afterwards the refresher owns no timer and no pending promise.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      const reason = new DsimError("CLOSED", "the refresher was closed");
      const pending: Promise<unknown>[] = [...this.#orphans];
      for (const state of this.#states.values()) {
        state.timer?.cancel();
        for (const flight of state.flights) {
          flight.abort(reason);
          pending.push(flight.promise.catch(() => undefined));
        }
      }
      this.#states.clear();
      await Promise.all(pending);
    }
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #callerSignal(options: FetchCallOptions): AbortSignal | undefined {
    requireObject("options", options);
    return requireSignal("signal", options.signal, { optional: true });
  }

  #throwIfClosed(): void {
    if (this.#closed) throw new DsimError("CLOSED", "the refresher was closed");
  }

  #registered(url: string): UrlState<T> {
    this.#throwIfClosed();
    const key = normalizeUrl(url);
    const state = this.#states.get(key);
    if (state === undefined) {
      throw new RefreshError(
        "URL_NOT_REGISTERED",
        `${key} must be registered with configure() first`,
        {
          url: key,
        },
      );
    }
    return state;
  }

  #coolingDown(state: UrlState<T>): boolean {
    if (state.lastRequestAt === undefined) return false;
    return this.#clock.now() - state.lastRequestAt < state.options.minInterval;
  }

  #throwIfCoolingDown(state: UrlState<T>): void {
    if (!this.#coolingDown(state)) return;
    throw new RefreshError(
      "COOLING_DOWN",
      `no value for ${state.url} and the last request started less than ${state.options.minInterval} ms ago`,
      { url: state.url, cause: state.lastError },
    );
  }

  /** Waits for `flight` on behalf of one caller; returns the freshest cached value it produced. */
  async #wait(flight: Flight<T>, signal: AbortSignal | undefined): Promise<T> {
    return await flight.join(signal);
  }

  #start(state: UrlState<T>, background: boolean): Flight<T> {
    state.lastSeq += 1;
    const now = this.#clock.now();
    state.lastRequestAt = now;
    const options = state.options;
    const flight: Flight<T> = new Flight(state.lastSeq, now, background, (signal) =>
      performRequest(this.#clock, state.url, options, signal).then(
        (result) => this.#succeeded(state, flight, result),
        (error: unknown) => this.#failed(state, flight, error),
      ),
    );
    state.flight = flight;
    state.flights.add(flight);
    return flight;
  }

  #current(state: UrlState<T>): boolean {
    return !this.#closed && this.#states.get(state.url) === state;
  }

  #succeeded(state: UrlState<T>, flight: Flight<T>, result: FetchResult<T>): T {
    state.flights.delete(flight);
    if (!this.#current(state)) {
      throw (
        flight.signal.reason ??
        new RefreshError("URL_NOT_REGISTERED", `${state.url} was removed`, { url: state.url })
      );
    }
    const now = this.#clock.now();
    if (flight.seq > state.valueSeq) {
      state.value = { value: result.value };
      state.valueSeq = flight.seq;
      state.lastSuccessAt = now;
      state.freshUntil = now + result.nextDelayMs;
      state.lastError = undefined;
      state.backoff?.reset();
    }
    if (state.flight === flight) {
      state.flight = undefined;
      this.#schedule(state, result.nextDelayMs);
    }
    // An older request that lost the race hands out the newer cached value, never its own.
    return state.value?.value ?? result.value;
  }

  #failed(state: UrlState<T>, flight: Flight<T>, error: unknown): never {
    state.flights.delete(flight);
    const failure = error instanceof Error ? error : new Error(String(error));
    if (this.#current(state)) {
      state.lastError = failure;
      deliverFailure(this.#sink, {
        url: state.url,
        error: failure,
        at: this.#clock.now(),
        background: flight.background,
      });
      this.#logger?.log("warn", "refresh failed", { url: state.url, error: failure.message });
      if (state.flight === flight) {
        state.flight = undefined;
        this.#schedule(state, this.#retryDelay(state));
      }
    }
    throw failure;
  }

  #retryDelay(state: UrlState<T>): number {
    const backoff = state.backoff?.next(this.#random) ?? 0;
    return Math.max(state.options.minInterval, backoff);
  }

  #schedule(state: UrlState<T>, delayMs: number): void {
    state.timer?.cancel();
    state.timer = new LongTimer(this.#clock, delayMs, () => this.#onTimer(state));
  }

  #onTimer(state: UrlState<T>): void {
    state.timer = undefined;
    if (!this.#current(state) || state.flight !== undefined) return;
    if (this.#coolingDown(state)) {
      // A forced refresh ran meanwhile; the rate limit decides when the next request may go.
      const since = this.#clock.now() - (state.lastRequestAt ?? 0);
      this.#schedule(state, state.options.minInterval - since);
      return;
    }
    this.#start(state, true);
  }
}

/** Options of {@link createJwksRefresh}: those of {@link AutoRefresh} with the JWKS parser preset. */
export type JwksRefreshOptions = Omit<AutoRefreshOptions<JsonWebKeySet>, "parse"> & {
  readonly parse?: Parser<JsonWebKeySet>;
};

/** An {@link AutoRefresh} of JSON Web Key Sets, parsed with {@link parseJwks}. */
export function createJwksRefresh(options: JwksRefreshOptions): AutoRefresh<JsonWebKeySet> {
  requireObject("options", options);
  return new AutoRefresh<JsonWebKeySet>({ ...options, parse: options.parse ?? parseJwks });
}
