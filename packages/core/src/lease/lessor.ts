import type { Metadata } from "../conn/metadata.js";
import { DsimError } from "../errors.js";
import type { TimerHandle } from "../time/clock.js";
import { REQUIRE_LEADER_KEY, REQUIRE_LEADER_VALUE } from "./etcd-status.js";
import {
  type KeepAliveCloseReason,
  type KeepAliveSubscription,
  SubscriptionSink,
} from "./keep-alive-subscription.js";
import type { LeaseCallOptions, LeaseKeepAliveStream } from "./lease-client.js";
import {
  isHaltError,
  KeepAliveHaltedError,
  LeaseNoLeaderError,
  LeaseNotFoundError,
  LeaseUnavailableError,
  toLeaseError,
} from "./lease-errors.js";
import type {
  LeaseGrantResponse,
  LeaseId,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
} from "./lease-messages.js";
import {
  type LessorOptions,
  type ResolvedLessorOptions,
  resolveLessorOptions,
  validateLeaseId,
  validateTtl,
} from "./lessor-options.js";
import { MinHeap } from "./min-heap.js";

/** Granted TTLs remembered for pacing a lease's first renewals (oldest forgotten first). */
const MAX_REMEMBERED_GRANTS = 100_000;

/** Options of a unary lessor call. */
export interface LeaseRequestOptions {
  /** Cancels this call only. */
  readonly signal?: AbortSignal;
}

/** Options of {@link Lessor.grant}. */
export interface GrantOptions extends LeaseRequestOptions {
  /** Ask for this lease ID instead of letting the server pick one. */
  readonly id?: LeaseId;
}

/** Options of {@link Lessor.timeToLive}. */
export interface TimeToLiveOptions extends LeaseRequestOptions {
  /** Also list the keys attached to the lease. */
  readonly keys?: boolean;
}

/** Options of {@link Lessor.keepAlive}. */
export interface KeepAliveOptions {
  /** Aborting closes this subscription only. */
  readonly signal?: AbortSignal;
  /** Close this subscription when the stream fails with "no leader" (`WithRequireLeader`). */
  readonly requireLeader?: boolean;
}

/** Options of {@link Lessor.keepAliveOnce}. */
export interface KeepAliveOnceOptions extends LeaseRequestOptions {
  /** Send `hasleader: true` so the server fails fast without a leader. */
  readonly requireLeader?: boolean;
}

/** Counters describing what the lessor holds right now (for tests and invariants). */
export interface LessorStats {
  /** Leases with at least one subscriber. */
  readonly leases: number;
  /** Open subscriptions over all leases. */
  readonly subscribers: number;
  /** Whether a keep-alive stream is open. */
  readonly streamOpen: boolean;
  /** Keep-alive streams opened so far. */
  readonly streamsOpened: number;
  /** Keep-alive requests sent so far on the shared stream. */
  readonly requestsSent: number;
  /** Responses dropped because a subscriber's buffer was full. */
  readonly responsesDropped: number;
  /** Scheduled entries in the send and deadline heaps (live and stale). */
  readonly heapEntries: number;
  /** Unary calls and keepAliveOnce calls in flight. */
  readonly pendingCalls: number;
  /** True once `close()` was called. */
  readonly closed: boolean;
}

/** The keep-alive state of one lease, shared by its subscribers (`keepAlive` in Go). */
interface LeaseEntry {
  readonly id: LeaseId;
  /** The keep-alive request for this lease: immutable, so one object serves every send. */
  readonly request: LeaseKeepAliveRequest;
  sinks: SubscriptionSink[];
  /** Subscribers closed and no more responses expected: the entry only waits to be pruned. */
  removed: boolean;
  /** When the subscribers close if no response arrived (ms, clock time). */
  deadline: number;
  /** When the next keep-alive request is due. */
  nextSend: number;
  /** The last TTL the server granted, in ms; undefined before the first response. */
  ttlMs: number | undefined;
  /**
   * Key of this entry's one live item in the send / deadline heap (NaN: none). Items whose key
   * differs are stale and skipped. `nextSend`/`deadline` may move later without a new item: the
   * live item is re-pushed when it pops early, so a renewal costs no heap operation.
   */
  sendKey: number;
  deadlineKey: number;
  /**
   * The response last delivered to the subscribers. Renewals answered by one member are equal
   * (same ID, TTL and shared header) until the TTL or the cluster's revision or term moves, so an
   * equal response is delivered as this same object: what a subscriber holds until the next
   * renewal is then one long-lived object per lease instead of a fresh one per renewal that
   * survives the young generation and is promoted (responses are read-only values).
   */
  lastResponse: LeaseKeepAliveResponse | undefined;
}

interface StreamState {
  readonly abort: AbortController;
  call: LeaseKeepAliveStream | undefined;
  ended: boolean;
  /**
   * Entries in the order their requests were sent on this stream, from `sentHead` on: responses
   * come back in that order, so matching one usually needs no map lookup. Only a hint — a miss
   * falls back to the map.
   */
  readonly sent: LeaseEntry[];
  sentHead: number;
}

/**
 * The etcd client lessor (clientv3 `lessor`): unary lease calls plus keep-alives multiplexed over
 * one shared bidi stream, with a subscription per `keepAlive` caller.
 *
 * Timing follows clientv3: a lease is renewed TTL/3 after each response, the send loop re-checks every
 * 500 ms, a failed stream is reopened after 500 ms, and every 1 s leases whose deadline passed are
 * closed. Unlike clientv3 the schedule lives in two min-heaps (next send, deadline) so each tick
 * costs O(due · log n), and a request also pushes the lease's next send TTL/3 ahead, so lost
 * responses do not raise the request rate either.
 */
export class Lessor implements AsyncDisposable {
  readonly #o: ResolvedLessorOptions;
  readonly #entries = new Map<LeaseId, LeaseEntry>();
  readonly #sendHeap = new MinHeap<LeaseEntry>();
  readonly #deadlineHeap = new MinHeap<LeaseEntry>();
  readonly #stop = new AbortController();
  readonly #pending = new Set<Promise<unknown>>();
  /** TTLs (ms) this lessor granted, so a lease's first renewals are paced before any response. */
  readonly #grantedTtlMs = new Map<LeaseId, number>();
  #halt: Error | undefined;
  #closing: Promise<void> | undefined;
  #started = false;
  #stream: StreamState | undefined;
  #sendTimer: TimerHandle | undefined;
  #deadlineTimer: TimerHandle | undefined;
  #retryTimer: TimerHandle | undefined;
  #subscribers = 0;
  #streamsOpened = 0;
  #requestsSent = 0;
  #responsesDropped = 0;

  /** Validates `options` (TypeError/RangeError) and creates an idle lessor: no timer until `keepAlive`. */
  constructor(options: LessorOptions) {
    this.#o = resolveLessorOptions(options);
  }

  /** `Grant`: creates a lease with `ttl` seconds (the server raises it to its minimum). */
  grant(ttl: number, options: GrantOptions = {}): Promise<LeaseGrantResponse> {
    validateTtl(ttl);
    const id = options.id ?? 0n;
    if (options.id !== undefined) validateLeaseId(id);
    return this.#unary(options.signal, async (call) => {
      const response = await this.#o.client.grant({ TTL: ttl, ID: id }, call);
      if (response.TTL > 0) this.#rememberTtl(response.ID, response.TTL * 1000);
      return response;
    });
  }

  /** `Revoke`: revokes a lease; its keys are deleted and its keep-alives end. */
  revoke(id: LeaseId, options: LeaseRequestOptions = {}): Promise<LeaseRevokeResponse> {
    validateLeaseId(id);
    return this.#unary(options.signal, async (call) => {
      const response = await this.#o.client.revoke({ ID: id }, call);
      this.#grantedTtlMs.delete(id);
      return response;
    });
  }

  /** `TimeToLive`: remaining seconds (−1 when unknown or expired), granted TTL, optionally keys. */
  timeToLive(id: LeaseId, options: TimeToLiveOptions = {}): Promise<LeaseTimeToLiveResponse> {
    validateLeaseId(id);
    const keys = options.keys ?? false;
    if (typeof keys !== "boolean") throw new TypeError("timeToLive: keys must be a boolean");
    return this.#unary(options.signal, (call) => this.#o.client.timeToLive({ ID: id, keys }, call));
  }

  /** `Leases`: the IDs of the leases the answering member holds. */
  leases(options: LeaseRequestOptions = {}): Promise<LeaseLeasesResponse> {
    return this.#unary(options.signal, (call) => this.#o.client.leases(call));
  }

  /**
   * `KeepAlive`: keeps lease `id` alive until the returned subscription closes. Responses go to the
   * subscription's own buffer; a full buffer drops (logged) without slowing renewals. Several
   * subscribers of one lease share its renewals.
   *
   * After `close()` the subscription is returned already closed with reason `halted`, whose `error`
   * is a {@link KeepAliveHaltedError} carrying the reason (Go returns it as the second value).
   */
  keepAlive(id: LeaseId, options: KeepAliveOptions = {}): KeepAliveSubscription {
    validateLeaseId(id);
    const requireLeader = options.requireLeader ?? false;
    if (typeof requireLeader !== "boolean") {
      throw new TypeError("keepAlive: requireLeader must be a boolean");
    }
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError("keepAlive: signal must be an AbortSignal");
    }
    const sink = new SubscriptionSink(id, requireLeader, this.#o.responseBufferSize, (s, reason) =>
      this.#cancelSink(s, reason),
    );
    if (this.#halt !== undefined) {
      sink.close({ kind: "halted", error: new KeepAliveHaltedError(this.#halt) });
      return sink.subscription;
    }
    if (signal?.aborted === true) {
      sink.close({ kind: "cancelled" });
      return sink.subscription;
    }
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      entry = this.#newEntry(id);
    } else if (entry.sinks.length === 0) {
      // A retired entry still waiting for its next send: revive it with its schedule so that
      // cancelling and re-subscribing cannot raise the request rate; only the deadline restarts.
      this.#scheduleDeadline(
        entry,
        this.#o.clock.now() + Math.max(this.#o.firstKeepAliveTimeoutMs, entry.ttlMs ?? 0),
      );
    }
    entry.sinks.push(sink);
    this.#subscribers += 1;
    if (signal !== undefined) {
      const onAbort = (): void => this.#cancelSink(sink);
      signal.addEventListener("abort", onAbort, { once: true });
      sink.detach = () => signal.removeEventListener("abort", onAbort);
    }
    if (!this.#started) {
      this.#started = true;
      this.#openStream();
      this.#armDeadlineTimer();
    }
    return sink.subscription;
  }

  /**
   * `KeepAliveOnce`: renews once over a short stream of its own. TTL ≤ 0 → {@link LeaseNotFoundError}.
   * Retries UNAVAILABLE/INTERNAL failures every `retryConnWaitMs` (clientv3 retries at once, which
   * spins while there is no leader); stops on any other failure and on cancellation.
   */
  keepAliveOnce(id: LeaseId, options: KeepAliveOnceOptions = {}): Promise<LeaseKeepAliveResponse> {
    validateLeaseId(id);
    const callerSignal = options.signal;
    if (callerSignal !== undefined && !(callerSignal instanceof AbortSignal)) {
      throw new TypeError("signal must be an AbortSignal");
    }
    const metadata =
      options.requireLeader === true ? this.#requireLeaderMetadata() : this.#o.metadata;
    const fail = (error: unknown): Error =>
      this.#halt !== undefined && callerSignal?.aborted !== true
        ? new DsimError("CLOSED", "lessor closed", { cause: this.#halt })
        : toLeaseError(error, callerSignal);
    return this.#track(async () => {
      this.#throwIfClosed();
      const signal = this.#callSignal(callerSignal);
      for (;;) {
        let response: LeaseKeepAliveResponse;
        try {
          response = await this.#keepAliveOnceAttempt(id, signal, metadata);
        } catch (error) {
          if (isHaltError(error, signal)) throw fail(error);
          try {
            await this.#wait(this.#o.retryConnWaitMs, signal);
          } catch (abortReason) {
            throw fail(abortReason);
          }
          continue;
        }
        if (response.TTL <= 0) throw new LeaseNotFoundError();
        return response;
      }
    });
  }

  /** What the lessor holds right now. */
  stats(): LessorStats {
    let leases = 0;
    for (const entry of this.#entries.values()) if (entry.sinks.length > 0) leases += 1;
    return {
      leases,
      subscribers: this.#subscribers,
      streamOpen: this.#stream !== undefined,
      streamsOpened: this.#streamsOpened,
      requestsSent: this.#requestsSent,
      responsesDropped: this.#responsesDropped,
      heapEntries: this.#sendHeap.size + this.#deadlineHeap.size,
      pendingCalls: this.#pending.size,
      closed: this.#halt !== undefined,
    };
  }

  /**
   * Stops everything: cancels the stream and in-flight calls, closes every subscription (reason
   * `halted`) and clears every timer. Resolves once in-flight calls have settled. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const reason = new DsimError("CLOSED", "lessor closed");
    this.#halt = reason;
    this.#stop.abort(reason);
    this.#clearTimer(this.#sendTimer);
    this.#clearTimer(this.#deadlineTimer);
    this.#clearTimer(this.#retryTimer);
    this.#sendTimer = this.#deadlineTimer = this.#retryTimer = undefined;
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream !== undefined) {
      stream.ended = true;
      stream.sent.length = 0;
      stream.abort.abort(reason);
    }
    const halted: KeepAliveCloseReason = {
      kind: "halted",
      error: new KeepAliveHaltedError(reason),
    };
    for (const entry of [...this.#entries.values()]) this.#forget(entry, halted, false);
    this.#sendHeap.clear();
    this.#deadlineHeap.clear();
    this.#grantedTtlMs.clear();
    const pending = [...this.#pending];
    this.#closing = Promise.allSettled(pending).then(() => undefined);
    return this.#closing;
  }

  /** Same as {@link Lessor.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- unary calls -------------------------------------------------------------------------------

  #unary<T>(
    signal: AbortSignal | undefined,
    run: (call: LeaseCallOptions) => Promise<T>,
  ): Promise<T> {
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError("signal must be an AbortSignal");
    }
    return this.#track(async () => {
      this.#throwIfClosed();
      const linked = this.#callSignal(signal);
      try {
        return await run({ signal: linked, metadata: this.#o.metadata });
      } catch (error) {
        if (this.#halt !== undefined && signal?.aborted !== true) {
          throw new DsimError("CLOSED", "lessor closed", { cause: error });
        }
        throw toLeaseError(error, signal);
      }
    });
  }

  /** Runs `task`, remembering its promise until it settles so `close()` can wait for it. */
  #track<T>(task: () => Promise<T>): Promise<T> {
    const promise = task();
    this.#pending.add(promise);
    const forget = (): void => {
      this.#pending.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  #throwIfClosed(): void {
    if (this.#halt !== undefined) {
      throw new DsimError("CLOSED", "lessor closed", { cause: this.#halt });
    }
  }

  /** The caller's signal combined with the lessor's: `close()` cancels every call. */
  #callSignal(signal: AbortSignal | undefined): AbortSignal {
    return signal === undefined ? this.#stop.signal : AbortSignal.any([signal, this.#stop.signal]);
  }

  #requireLeaderMetadata(): Metadata {
    return { ...this.#o.metadata, [REQUIRE_LEADER_KEY]: [REQUIRE_LEADER_VALUE] };
  }

  #keepAliveOnceAttempt(
    id: LeaseId,
    signal: AbortSignal,
    metadata: Metadata,
  ): Promise<LeaseKeepAliveResponse> {
    return new Promise((resolve, reject) => {
      const abort = new AbortController();
      let settled = false;
      const finish = (): void => {
        settled = true;
        signal.removeEventListener("abort", onAbort);
        // Like Go's deferred cancel: the short stream never outlives the attempt.
        abort.abort();
      };
      const onAbort = (): void => {
        if (settled) return;
        finish();
        reject(signal.reason);
      };
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      signal.addEventListener("abort", onAbort, { once: true });
      const call = this.#o.client.keepAlive({
        signal: abort.signal,
        metadata,
        listener: {
          onResponse: (response) => {
            if (settled) return;
            finish();
            resolve(response);
          },
          onEnd: (error) => {
            if (settled) return;
            finish();
            reject(error ?? new LeaseUnavailableError("keep-alive stream ended before a response"));
          },
        },
      });
      // The contract queues a request sent before the stream is open, so false means the stream
      // already ended (its onEnd normally settled the attempt first).
      if (!settled && !call.send({ ID: id })) {
        finish();
        reject(new LeaseUnavailableError("keep-alive stream closed before the request was sent"));
      }
    });
  }

  /** Waits `ms` on the injected clock; rejects when `signal` aborts. */
  #wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.#o.clock.clearTimeout(handle);
        reject(signal.reason);
      };
      const handle = this.#o.clock.setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  // --- keep-alive bookkeeping --------------------------------------------------------------------

  #rememberTtl(id: LeaseId, ttlMs: number): void {
    this.#grantedTtlMs.delete(id);
    this.#grantedTtlMs.set(id, ttlMs);
    // Bounded: the oldest grants are forgotten first (they then pace like unknown leases).
    if (this.#grantedTtlMs.size > MAX_REMEMBERED_GRANTS) {
      const oldest = this.#grantedTtlMs.keys().next();
      if (oldest.done !== true) this.#grantedTtlMs.delete(oldest.value);
    }
  }

  #newEntry(id: LeaseId): LeaseEntry {
    const now = this.#o.clock.now();
    const ttlMs = this.#grantedTtlMs.get(id);
    const entry: LeaseEntry = {
      id,
      request: Object.freeze({ ID: id }),
      sinks: [],
      removed: false,
      // A TTL this lessor granted paces the first renewals (TTL/3), so the first deadline must
      // leave room for them: a lost first response must not end the keep-alive.
      deadline: now + Math.max(this.#o.firstKeepAliveTimeoutMs, ttlMs ?? 0),
      nextSend: now,
      ttlMs,
      sendKey: Number.NaN,
      deadlineKey: Number.NaN,
      lastResponse: undefined,
    };
    this.#entries.set(id, entry);
    this.#scheduleSend(entry, entry.nextSend);
    this.#scheduleDeadline(entry, entry.deadline);
    return entry;
  }

  /** Sets the next send time; pushes a heap item only when it is earlier than the live one. */
  #scheduleSend(entry: LeaseEntry, at: number): void {
    entry.nextSend = at;
    if (Number.isNaN(entry.sendKey) || at < entry.sendKey) {
      entry.sendKey = at;
      this.#sendHeap.push(at, entry);
    }
  }

  /** Sets the deadline; pushes a heap item only when it is earlier than the live one. */
  #scheduleDeadline(entry: LeaseEntry, at: number): void {
    entry.deadline = at;
    if (Number.isNaN(entry.deadlineKey) || at < entry.deadlineKey) {
      entry.deadlineKey = at;
      this.#deadlineHeap.push(at, entry);
    }
  }

  #cancelSink(sink: SubscriptionSink, reason: KeepAliveCloseReason = { kind: "cancelled" }): void {
    const entry = this.#entries.get(sink.subscription.id);
    if (entry === undefined || entry.removed) return;
    const index = entry.sinks.indexOf(sink);
    if (index < 0) return;
    entry.sinks.splice(index, 1);
    this.#subscribers -= 1;
    sink.close(reason);
    if (entry.sinks.length === 0) this.#retire(entry);
  }

  /**
   * A lease lost its last subscriber: no more requests for it. The entry stays (without sending)
   * until its next send time so a quick re-subscription keeps the request rate.
   */
  #retire(_entry: LeaseEntry): void {
    // Nothing to undo: the deadline loop skips subscriber-less entries and the send loop drops
    // them at their next send time unless a subscriber came back.
  }

  /**
   * Closes every subscriber of `entry` with `reason`. With `dormant` the entry stays (sending
   * nothing) until its next send time, so a subscriber that comes right back cannot make the lessor
   * renew faster than once per TTL/3; otherwise the lease is forgotten at once.
   */
  #forget(entry: LeaseEntry, reason: KeepAliveCloseReason, dormant: boolean): void {
    if (dormant) {
      this.#retire(entry);
    } else {
      entry.removed = true;
      if (this.#entries.get(entry.id) === entry) this.#entries.delete(entry.id);
    }
    const sinks = entry.sinks;
    entry.sinks = [];
    this.#subscribers -= sinks.length;
    for (const sink of sinks) sink.close(reason);
  }

  /**
   * The live entry of `id` (what `#entries.get(id)` returns), found through the stream's send
   * order when possible. Entries skipped on the way were sent before the answered request, so on
   * an in-order stream their responses were lost: they are discarded (each at most once, so the
   * scan is amortised O(1) per send).
   */
  #entryFor(stream: StreamState, id: LeaseId): LeaseEntry | undefined {
    const sent = stream.sent;
    let head = stream.sentHead;
    while (head < sent.length) {
      const candidate = sent[head] as LeaseEntry;
      head += 1;
      // A removed entry may have been replaced in the map by a new one for the same ID.
      if (candidate.id === id && !candidate.removed) {
        this.#advanceSent(stream, head);
        return candidate;
      }
    }
    this.#advanceSent(stream, head);
    return this.#entries.get(id);
  }

  #advanceSent(stream: StreamState, head: number): void {
    const sent = stream.sent;
    if (head >= sent.length) {
      sent.length = 0;
      stream.sentHead = 0;
    } else if (head > 1024 && head * 2 > sent.length) {
      sent.splice(0, head);
      stream.sentHead = 0;
    } else {
      stream.sentHead = head;
    }
  }

  #onResponse(stream: StreamState, response: LeaseKeepAliveResponse): void {
    const entry = this.#entryFor(stream, response.ID);
    if (entry === undefined || entry.sinks.length === 0) return;
    if (response.TTL <= 0) {
      this.#forget(entry, { kind: "expired" }, true);
      return;
    }
    const now = this.#o.clock.now();
    const ttlMs = response.TTL * 1000;
    entry.ttlMs = ttlMs;
    this.#scheduleDeadline(entry, now + ttlMs);
    // Advance the schedule whether or not delivery succeeds: a slow consumer must never change
    // the request rate.
    this.#scheduleSend(entry, now + ttlMs / 3);
    const last = entry.lastResponse;
    let delivered = response;
    if (last !== undefined && last.TTL === response.TTL && last.header === response.header) {
      delivered = last;
    } else {
      entry.lastResponse = response;
    }
    for (const sink of entry.sinks) {
      if (!sink.offer(delivered)) {
        this.#responsesDropped += 1;
        this.#o.logger?.log(
          "warn",
          "lease keepalive response queue is full; dropping response send",
          {
            leaseId: response.ID,
            queueSize: sink.buffered,
            queueCapacity: sink.capacity,
          },
        );
      }
    }
  }

  /** Sends every due lease on the current stream. Cost: O(due · log n). */
  #sendDue(): void {
    const stream = this.#stream;
    const call = stream?.call;
    if (stream === undefined || call === undefined) return;
    const now = this.#o.clock.now();
    const heap = this.#sendHeap;
    for (;;) {
      const key = heap.peekKey();
      if (key === undefined || key > now) return;
      const entry = heap.pop();
      if (entry === undefined) return;
      if (key !== entry.sendKey) continue;
      entry.sendKey = Number.NaN;
      if (entry.removed) continue;
      if (entry.nextSend > now) {
        // A response moved the schedule later since this item was pushed.
        this.#scheduleSend(entry, entry.nextSend);
        continue;
      }
      if (entry.sinks.length === 0) {
        // Retired and not re-subscribed before its next send: drop it for good.
        entry.removed = true;
        if (this.#entries.get(entry.id) === entry) this.#entries.delete(entry.id);
        continue;
      }
      if (!call.send(entry.request)) {
        // The stream ended under us (a stream not open yet queues): keep the lease due for the
        // next stream.
        entry.sendKey = key;
        heap.push(key, entry);
        return;
      }
      this.#requestsSent += 1;
      stream.sent.push(entry);
      if (stream.sent.length - stream.sentHead > 2 * this.#entries.size + 1024) {
        // Responses stopped coming on an open stream: bound the hint (it is only a shortcut) by
        // dropping its older half, so trimming stays amortised O(1) per send.
        const sent = stream.sent;
        sent.splice(0, stream.sentHead + Math.floor((sent.length - stream.sentHead) / 2));
        stream.sentHead = 0;
      }
      // Until the response arrives, the next request waits a full renewal period, so lost
      // responses cannot raise the rate above one per TTL/3 either.
      const period =
        entry.ttlMs !== undefined
          ? entry.ttlMs / 3
          : Math.max(this.#o.retryConnWaitMs, this.#o.firstKeepAliveTimeoutMs / 3);
      this.#scheduleSend(entry, now + period);
      if (stream.ended) return;
    }
  }

  /** Closes leases whose deadline passed (strictly before now). Cost: O(expired · log n). */
  #reapDeadlines(): void {
    const now = this.#o.clock.now();
    const heap = this.#deadlineHeap;
    for (;;) {
      const key = heap.peekKey();
      if (key === undefined || key >= now) return;
      const entry = heap.pop();
      if (entry === undefined) return;
      if (key !== entry.deadlineKey) continue;
      entry.deadlineKey = Number.NaN;
      if (entry.removed || entry.sinks.length === 0) continue;
      if (entry.deadline >= now) {
        // A response extended the deadline since this item was pushed.
        this.#scheduleDeadline(entry, entry.deadline);
        continue;
      }
      this.#forget(entry, { kind: "deadline" }, true);
    }
  }

  #closeRequireLeader(error: Error): void {
    const closes = (sink: SubscriptionSink): boolean => sink.subscription.requireLeader;
    for (const entry of [...this.#entries.values()]) {
      if (entry.removed || !entry.sinks.some(closes)) continue;
      const keep: SubscriptionSink[] = [];
      for (const sink of entry.sinks) {
        if (closes(sink)) {
          this.#subscribers -= 1;
          sink.close({ kind: "no-leader", error });
        } else {
          keep.push(sink);
        }
      }
      entry.sinks = keep;
      if (keep.length === 0) this.#retire(entry);
    }
  }

  // --- stream and timers -------------------------------------------------------------------------

  #openStream(): void {
    if (this.#halt !== undefined) return;
    const state: StreamState = {
      abort: new AbortController(),
      call: undefined,
      ended: false,
      sent: [],
      sentHead: 0,
    };
    this.#stream = state;
    this.#streamsOpened += 1;
    const call = this.#o.client.keepAlive({
      signal: state.abort.signal,
      // The shared stream always asks for a leader, as clientv3's stopCtx does.
      metadata: this.#requireLeaderMetadata(),
      listener: {
        onResponse: (response) => {
          if (this.#stream === state && !state.ended) this.#onResponse(state, response);
        },
        onEnd: (error) => this.#onStreamEnd(state, error),
      },
    });
    if (state.ended) return;
    state.call = call;
    this.#sendDue();
    this.#armSendTimer(state);
  }

  #onStreamEnd(state: StreamState, error: Error | undefined): void {
    if (state.ended) return;
    state.ended = true;
    state.sent.length = 0;
    state.sentHead = 0;
    if (this.#stream !== state) return;
    this.#stream = undefined;
    this.#clearTimer(this.#sendTimer);
    this.#sendTimer = undefined;
    state.abort.abort();
    if (this.#halt !== undefined) return;
    const mapped = error === undefined ? undefined : toLeaseError(error);
    this.#o.logger?.log("warn", "lease keepalive stream ended; retrying", {
      error: mapped?.message ?? "end of stream",
      retryInMs: this.#o.retryConnWaitMs,
    });
    if (mapped instanceof LeaseNoLeaderError) this.#closeRequireLeader(mapped);
    this.#retryTimer = this.#o.clock.setTimeout(() => {
      this.#retryTimer = undefined;
      this.#openStream();
    }, this.#o.retryConnWaitMs);
  }

  #armSendTimer(state: StreamState): void {
    this.#sendTimer = this.#o.clock.setTimeout(() => {
      this.#sendTimer = undefined;
      if (this.#stream !== state || state.ended) return;
      this.#sendDue();
      if (this.#stream === state && !state.ended) this.#armSendTimer(state);
    }, this.#o.sendIntervalMs);
  }

  #armDeadlineTimer(): void {
    this.#deadlineTimer = this.#o.clock.setTimeout(() => {
      this.#deadlineTimer = undefined;
      if (this.#halt !== undefined) return;
      this.#reapDeadlines();
      this.#armDeadlineTimer();
    }, this.#o.deadlineIntervalMs);
  }

  #clearTimer(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.#o.clock.clearTimeout(handle);
  }
}
