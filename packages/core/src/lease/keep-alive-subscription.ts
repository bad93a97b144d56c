import type { KeepAliveHaltedError } from "./lease-errors.js";
import type { LeaseId, LeaseKeepAliveResponse } from "./lease-messages.js";

/** Why a {@link KeepAliveSubscription} closed. */
export type KeepAliveCloseReason =
  /** The subscriber cancelled (its signal aborted or it called `cancel()`). */
  | { readonly kind: "cancelled" }
  /** The server answered TTL ≤ 0: the lease was revoked or expired. */
  | { readonly kind: "expired" }
  /** No keep-alive response arrived before the lease's deadline: it may have expired. */
  | { readonly kind: "deadline" }
  /** The subscriber asked for require-leader and the stream failed with "no leader". */
  | { readonly kind: "no-leader"; readonly error: Error }
  /** The lessor's keep-alive machinery halted (the lessor was closed). */
  | { readonly kind: "halted"; readonly error: KeepAliveHaltedError }
  /** The subscriber's {@link KeepAliveSubscription.listen} listener threw `error`. */
  | { readonly kind: "listener-error"; readonly error: Error };

/**
 * The sender side of one subscription, held by the lessor only. Keeping it separate from
 * {@link KeepAliveSubscription} means a consumer cannot push into or close its own buffer (seed 003:
 * only the sender closes).
 */
export class SubscriptionSink {
  readonly #buffer: LeaseKeepAliveResponse[] = [];
  #head = 0;
  readonly #capacity: number;
  #reason: KeepAliveCloseReason | undefined;
  #waiters: ((value: LeaseKeepAliveResponse | undefined) => void)[] = [];
  readonly #closedWaiters: ((reason: KeepAliveCloseReason) => void)[] = [];
  readonly #onCancel: (sink: SubscriptionSink, reason: KeepAliveCloseReason) => void;
  /** Push delivery set by {@link KeepAliveSubscription.listen}: responses bypass the buffer. */
  #listener: ((response: LeaseKeepAliveResponse) => void) | undefined;
  /** The consumer's view. */
  readonly subscription: KeepAliveSubscription;
  /** Detaches the subscriber's abort listener; set by the lessor. */
  detach: (() => void) | undefined;
  /** The sink whose plain wait is being created (see {@link SubscriptionSink.#enqueueWaiter}). */
  static #enqueueing: SubscriptionSink | undefined;
  /**
   * The executor of every plain wait, shared by all sinks: a read without a signal then creates
   * no closure, and a sink carries none either (a lessor holds one sink per subscriber). The
   * executor runs inside the Promise constructor, so the sink it serves is set just around it.
   */
  static readonly #enqueueWaiter = (
    resolve: (value: LeaseKeepAliveResponse | undefined) => void,
  ): void => {
    const sink = SubscriptionSink.#enqueueing;
    if (sink !== undefined) sink.#waiters.push(resolve);
  };

  constructor(
    id: LeaseId,
    requireLeader: boolean,
    capacity: number,
    onCancel: (sink: SubscriptionSink, reason: KeepAliveCloseReason) => void,
  ) {
    this.#capacity = capacity;
    this.#onCancel = onCancel;
    this.subscription = new KeepAliveSubscription(this, id, requireLeader);
  }

  /** Number of buffered, unread responses. */
  get buffered(): number {
    return this.#buffer.length - this.#head;
  }

  /** Buffer capacity. */
  get capacity(): number {
    return this.#capacity;
  }

  /** The close reason, once closed. */
  get reason(): KeepAliveCloseReason | undefined {
    return this.#reason;
  }

  /**
   * Delivers without blocking: hands the response to a waiting reader, or buffers it. Returns false
   * when the buffer is full or the subscription is closed (the response is dropped).
   */
  offer(response: LeaseKeepAliveResponse): boolean {
    if (this.#reason !== undefined) return false;
    const listener = this.#listener;
    if (listener !== undefined) {
      this.#deliver(listener, response);
      return true;
    }
    // Most offers find no waiter: test the length first, as `shift()` on an empty array is a
    // builtin call on the hot path.
    if (this.#waiters.length > 0) {
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) {
        waiter(response);
        return true;
      }
    }
    if (this.buffered >= this.#capacity) return false;
    this.#buffer.push(response);
    return true;
  }

  /** Closes once; later calls return false. Buffered responses stay readable. */
  close(reason: KeepAliveCloseReason): boolean {
    if (this.#reason !== undefined) return false;
    this.#reason = reason;
    this.detach?.();
    this.detach = undefined;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter(undefined);
    for (const waiter of this.#closedWaiters.splice(0)) waiter(reason);
    return true;
  }

  /** @internal consumer side of {@link KeepAliveSubscription.listen}. */
  listen(listener: (response: LeaseKeepAliveResponse) => void): void {
    if (typeof listener !== "function") {
      throw new TypeError("KeepAliveSubscription.listen: listener must be a function");
    }
    if (this.#listener !== undefined) {
      throw new Error("KeepAliveSubscription.listen: a listener is already set");
    }
    this.#listener = listener;
    for (let value = this.take(); value !== undefined; value = this.take()) {
      if (this.#listener !== listener) return;
      this.#deliver(listener, value);
    }
  }

  /**
   * Calls the listener; one that throws is dropped and its subscription closes with the error.
   * The close waits one microtask: the lessor is iterating the lease's subscribers right now.
   */
  #deliver(
    listener: (response: LeaseKeepAliveResponse) => void,
    response: LeaseKeepAliveResponse,
  ): void {
    try {
      listener(response);
    } catch (thrown) {
      this.#listener = undefined;
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      queueMicrotask(() => {
        if (this.#reason === undefined) this.#onCancel(this, { kind: "listener-error", error });
      });
    }
  }

  /** @internal consumer-side read without waiting. */
  take(): LeaseKeepAliveResponse | undefined {
    if (this.#head >= this.#buffer.length) return undefined;
    const value = this.#buffer[this.#head];
    this.#head += 1;
    // Compact now and then so a long-lived subscription does not keep a growing array.
    if (this.#head >= 64 && this.#head * 2 >= this.#buffer.length) {
      this.#buffer.splice(0, this.#head);
      this.#head = 0;
    }
    return value;
  }

  /** @internal consumer-side wait: `waiter` gets the next response, or `undefined` at the close. */
  wait(waiter: (value: LeaseKeepAliveResponse | undefined) => void): void {
    this.#waiters.push(waiter);
  }

  /** @internal consumer-side read that waits. */
  receive(signal: AbortSignal | undefined): Promise<LeaseKeepAliveResponse | undefined> {
    const value = this.take();
    if (value !== undefined || this.#reason !== undefined) return Promise.resolve(value);
    if (signal === undefined) {
      SubscriptionSink.#enqueueing = this;
      try {
        return new Promise(SubscriptionSink.#enqueueWaiter);
      } finally {
        SubscriptionSink.#enqueueing = undefined;
      }
    }
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        resolve(undefined);
      };
      const waiter = (v: LeaseKeepAliveResponse | undefined): void => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      };
      this.#waiters.push(waiter);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** @internal */
  whenClosed(): Promise<KeepAliveCloseReason> {
    const reason = this.#reason;
    if (reason !== undefined) return Promise.resolve(reason);
    return new Promise((resolve) => this.#closedWaiters.push(resolve));
  }

  /** @internal */
  cancel(): void {
    if (this.#reason === undefined) this.#onCancel(this, { kind: "cancelled" });
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * One subscriber's view of a lease's keep-alive responses (the Go `<-chan *LeaseKeepAliveResponse`).
 * It has its own buffer (16 by default; when full, new responses are dropped for this subscriber
 * only), its own cancellation, and says why it closed. Iterating drains the buffer and ends once the
 * subscription is closed and empty.
 */
export class KeepAliveSubscription implements AsyncIterable<LeaseKeepAliveResponse> {
  readonly #sink: SubscriptionSink;
  /** The lease this subscription keeps alive. */
  readonly id: LeaseId;
  /** Whether this subscriber closes when the cluster has no leader. */
  readonly requireLeader: boolean;

  /** @internal Created by the lessor only. */
  constructor(sink: SubscriptionSink, id: LeaseId, requireLeader: boolean) {
    this.#sink = sink;
    this.id = id;
    this.requireLeader = requireLeader;
  }

  /** True once closed (buffered responses may still be read). */
  get closed(): boolean {
    return this.#sink.reason !== undefined;
  }

  /** Why it closed, or `undefined` while open. */
  get closeReason(): KeepAliveCloseReason | undefined {
    return this.#sink.reason;
  }

  /** The error that closed it, if the reason carries one (`no-leader`, `halted`). */
  get error(): Error | undefined {
    const reason = this.#sink.reason;
    return reason !== undefined && "error" in reason ? reason.error : undefined;
  }

  /** Number of buffered, unread responses (never more than {@link capacity}). */
  get buffered(): number {
    return this.#sink.buffered;
  }

  /** Buffer capacity. */
  get capacity(): number {
    return this.#sink.capacity;
  }

  /** Resolves with the reason once the subscription closes. */
  whenClosed(): Promise<KeepAliveCloseReason> {
    return this.#sink.whenClosed();
  }

  /** The next buffered response without waiting, or `undefined`. */
  tryReceive(): LeaseKeepAliveResponse | undefined {
    return this.#sink.take();
  }

  /**
   * The next response; `undefined` once closed and drained, or when `signal` aborts (which cancels
   * only this wait, not the subscription).
   */
  receive(signal?: AbortSignal): Promise<LeaseKeepAliveResponse | undefined> {
    return this.#sink.receive(signal);
  }

  /** Cancels this subscription only; other subscribers of the same lease are unaffected. */
  cancel(): void {
    this.#sink.cancel();
  }

  /**
   * Push delivery instead of reading: `listener` gets every buffered response at once, in order,
   * then each later one synchronously as the lessor receives it — no buffer, no promise per
   * response (the cheapest way to hold many leases; etcd3's `keepaliveSucceeded` event is the
   * same shape). Reads (`receive`, `tryReceive`, iteration) then see no more responses, only the
   * close; {@link KeepAliveSubscription.whenClosed} tells when and why it closed. A listener that
   * throws is removed and its subscription (only) closes with `{ kind: "listener-error", error }`.
   *
   * @throws TypeError when `listener` is not a function; Error when one is already set.
   */
  listen(listener: (response: LeaseKeepAliveResponse) => void): void {
    this.#sink.listen(listener);
  }

  /**
   * Iterates the responses until the subscription is closed and drained. A plain iterator whose
   * step is one promise resolved straight with its result (an async generator costs several per
   * step, and a waiting step lives as long as the renewal period); leaving a loop early ends this
   * iteration only, as a generator's would.
   */
  [Symbol.asyncIterator](): AsyncIterator<LeaseKeepAliveResponse> {
    const sink = this.#sink;
    let finished = false;
    // The one step waiting for a response; made once per iteration, not per step.
    let waiting: ((step: IteratorResult<LeaseKeepAliveResponse>) => void) | undefined;
    // The step last handed out: the lessor delivers a lease's unchanged response as the same
    // object, and its step is reused with it, so a loop holding it until the next renewal keeps an
    // old object alive rather than a fresh one per renewal (steps are read-only results).
    let lastStep: IteratorResult<LeaseKeepAliveResponse> = DONE;
    const stepFor = (
      value: LeaseKeepAliveResponse | undefined,
    ): IteratorResult<LeaseKeepAliveResponse> => {
      if (value === undefined) return DONE;
      if (lastStep.value !== value) lastStep = { value, done: false };
      return lastStep;
    };
    const deliver = (value: LeaseKeepAliveResponse | undefined): void => {
      const resolve = waiting;
      waiting = undefined;
      resolve?.(stepFor(value));
    };
    const wait = (resolve: (step: IteratorResult<LeaseKeepAliveResponse>) => void): void => {
      waiting = resolve;
      sink.wait(deliver);
    };
    return {
      next: () => {
        if (finished) return Promise.resolve(DONE);
        const value = sink.take();
        if (value !== undefined) return Promise.resolve(stepFor(value));
        if (sink.reason !== undefined) return Promise.resolve(DONE);
        // A second step requested before the first one settled waits behind it, in order.
        if (waiting !== undefined) return sink.receive(undefined).then(stepFor);
        return new Promise(wait);
      },
      return: () => {
        finished = true;
        return Promise.resolve(DONE);
      },
    };
  }
}
