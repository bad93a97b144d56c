import { getEventListeners } from "node:events";
import type {
  LeaseCallOptions,
  LeaseClient,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveCallOptions,
  LeaseKeepAliveStream,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from "@dsim/core";
import type { LeaseViolation } from "../../invariants/lease/index.js";

/** One signal the lessor handed across the `LeaseClient` boundary. */
interface WatchedSignal {
  /** Which call first carried it (for the report). */
  readonly firstCall: string;
  /** The abort listeners it had when it first crossed the boundary: added above it. */
  readonly before: ReadonlySet<unknown>;
  /** Calls carrying it that have not settled yet. */
  inFlight: number;
  /** Calls that carried it so far. */
  calls: number;
}

/**
 * A {@link LeaseClient} decorator between the lessor and the client it is given, judging the
 * contract of cancellation from the outside: an abort listener registered for a call is removed
 * when the call settles (AbortSignal is an EventTarget; a listener left on a long-lived signal
 * grows memory per call, Node's MaxListenersExceededWarning).
 *
 * It records every `signal` the lessor passes, with the abort listeners it already had when it
 * first crossed the boundary. {@link ListenerAuditLeaseClient.check} judges them at a moment when
 * the lessor has no call of its own pending: then a signal none of whose calls is in flight — the
 * lessor's per-call `AbortSignal.any`, an ended stream's signal, or the lessor's long-lived stop
 * signal that every call without a caller's signal carries — is held by no call, so a listener it
 * did not have when it first crossed the boundary was added for a call that has settled (by the
 * layers below, or by the lessor) and was left behind. On the stop signal that bounds what the
 * lessor keeps there by what it had before its first call, whatever the number of calls. A call
 * that settled is judged at the next quiet moment, not at once: a signal carried by one call so
 * far may be the stop signal, on which the lessor's other operations legitimately listen.
 * Aborted signals are skipped: they never fire again, so what stays on them cannot grow. A stream's
 * signal is not judged while the stream is open (its listener is legitimately still there).
 *
 * It only reads listener lists: it adds no listener, timer or promise job the lessor waits on, so
 * the run's schedule and digest are those of the undecorated client.
 */
export class ListenerAuditLeaseClient implements LeaseClient {
  readonly #inner: LeaseClient;
  readonly #signals = new Map<AbortSignal, WatchedSignal>();
  #violation: LeaseViolation | undefined;

  constructor(inner: LeaseClient) {
    this.#inner = inner;
  }

  grant(request: LeaseGrantRequest, options: LeaseCallOptions): Promise<LeaseGrantResponse> {
    return this.#unary("grant", options, () => this.#inner.grant(request, options));
  }

  revoke(request: LeaseRevokeRequest, options: LeaseCallOptions): Promise<LeaseRevokeResponse> {
    return this.#unary("revoke", options, () => this.#inner.revoke(request, options));
  }

  timeToLive(
    request: LeaseTimeToLiveRequest,
    options: LeaseCallOptions,
  ): Promise<LeaseTimeToLiveResponse> {
    return this.#unary("timeToLive", options, () => this.#inner.timeToLive(request, options));
  }

  leases(options: LeaseCallOptions): Promise<LeaseLeasesResponse> {
    return this.#unary("leases", options, () => this.#inner.leases(options));
  }

  keepAlive(options: LeaseKeepAliveCallOptions): LeaseKeepAliveStream {
    const settled = this.#begin(options.signal, "keepAlive");
    try {
      return this.#inner.keepAlive({
        ...options,
        listener: {
          onResponse: (response) => options.listener.onResponse(response),
          onEnd: (error) => {
            // The adapter may still tidy up right after reporting the end: judged later, by check().
            settled();
            options.listener.onEnd(error);
          },
        },
      });
    } catch (error) {
      settled();
      throw error;
    }
  }

  /**
   * `lease.no-listeners-left-on-signals` for the signals the lessor handed below: when `quiet`
   * (the lessor has no call pending), a listener left on a signal none of whose calls is in flight.
   * Once found, the violation is returned by every later check.
   */
  check(quiet: boolean): LeaseViolation | undefined {
    if (this.#violation !== undefined || !quiet) return this.#violation;
    for (const [signal, watched] of this.#signals) {
      // An aborted signal never fires again (a stream whose end is still unreported included).
      if (signal.aborted) this.#signals.delete(signal);
      else if (watched.inFlight === 0) this.#judge(signal, watched);
    }
    return this.#violation;
  }

  #unary<T>(method: string, options: LeaseCallOptions, call: () => Promise<T>): Promise<T> {
    const settled = this.#begin(options.signal, method);
    let promise: Promise<T>;
    try {
      promise = call();
    } catch (error) {
      settled();
      throw error;
    }
    // The lessor awaits this same promise: observing it adds no step to the lessor's path.
    promise.then(settled, settled);
    return promise;
  }

  /** Records a call carrying `signal`; the returned function marks it settled. */
  #begin(signal: AbortSignal, method: string): () => void {
    let watched = this.#signals.get(signal);
    if (watched === undefined) {
      watched = {
        firstCall: method,
        before: new Set(getEventListeners(signal, "abort")),
        inFlight: 0,
        calls: 0,
      };
      this.#signals.set(signal, watched);
    }
    const w = watched;
    w.inFlight += 1;
    w.calls += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      w.inFlight -= 1;
    };
  }

  #judge(signal: AbortSignal, watched: WatchedSignal): void {
    if (this.#violation !== undefined) return;
    let left = 0;
    for (const listener of getEventListeners(signal, "abort")) {
      if (!watched.before.has(listener)) left += 1;
    }
    if (left === 0) return;
    this.#violation = {
      invariant: "lease.no-listeners-left-on-signals",
      message: `${left} abort listener(s) left on the signal the lessor passed to ${watched.firstCall} (carried by ${watched.calls} call(s), none in flight)`,
      details: {
        firstCall: watched.firstCall,
        calls: watched.calls,
        listeners: left,
        listenersBefore: watched.before.size,
      },
    };
  }
}
