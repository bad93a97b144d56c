import { ExponentialBackoff } from "../retry/backoff.js";
import type { LongTimer } from "./long-timer.js";
import type { ResolvedUrlOptions } from "./options.js";
import type { Flight } from "./single-flight.js";

/** What a successful request produced. */
export interface FetchResult<T> {
  readonly value: T;
  /** Delay until the next refresh, computed from the options and the response headers. */
  readonly nextDelayMs: number;
}

/**
 * The mutable bookkeeping of one registered URL. A new object is created on every registration,
 * so a request that belongs to an earlier registration can recognise itself as stale by identity.
 */
export class UrlState<T> {
  readonly url: string;
  options: ResolvedUrlOptions<T>;
  backoff: ExponentialBackoff | undefined;
  /** The cached value, boxed so that `undefined` can be a value. */
  value: { readonly value: T } | undefined;
  /** Sequence number of the request whose value is cached (0: none). */
  valueSeq = 0;
  /** Sequence number given to the last request started. */
  lastSeq = 0;
  /** The newest request in flight; older ones may still run after a forced refresh. */
  flight: Flight<T> | undefined;
  /** Every request in flight, newest included. */
  readonly flights = new Set<Flight<T>>();
  lastRequestAt: number | undefined;
  lastSuccessAt: number | undefined;
  freshUntil: number | undefined;
  lastError: Error | undefined;
  timer: LongTimer | undefined;

  constructor(url: string, options: ResolvedUrlOptions<T>) {
    this.url = url;
    this.options = options;
    this.backoff = makeBackoff(options);
  }

  /** Replaces the options as a whole (seed: `Configure` on a registered URL). */
  reconfigure(options: ResolvedUrlOptions<T>): void {
    this.options = options;
    this.backoff = makeBackoff(options);
  }
}

function makeBackoff<T>(options: ResolvedUrlOptions<T>): ExponentialBackoff | undefined {
  return options.backoff === undefined ? undefined : new ExponentialBackoff(options.backoff);
}
