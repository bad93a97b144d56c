import {
  GrpcCode,
  type LeaseGrantRequest,
  type LeaseGrantResponse,
  type LeaseKeepAliveResponse,
  type LeaseLeasesResponse,
  type LeaseRevokeResponse,
  type LeaseTimeToLiveRequest,
  type LeaseTimeToLiveResponse,
  MAX_LEASE_TTL,
  type ResponseHeader,
  type TimerHandle,
} from "@dsim/core";
import type { TraceValue } from "../kernel/contracts.js";
import {
  type EtcdClusterOptions,
  type ResolvedEtcdOptions,
  resolveEtcdOptions,
} from "./etcd-options.js";
import { type EtcdErrorName, EtcdStatusError, EtcdTransportError } from "./etcd-status-error.js";
import { IdGenerator } from "./id-generator.js";
import { EtcdLeaseCounters } from "./keep-alive-stats.js";
import type { EtcdLeaseEvent } from "./lease-observer.js";
import { ServerLessor } from "./server-lessor.js";

/** One member of the fake cluster as the outside sees it. */
export interface EtcdMemberInfo {
  readonly index: number;
  readonly id: bigint;
  /** False while the member is down (restart fault): connections to it are refused. */
  readonly up: boolean;
  /** True while the member is cut off from its peers (it sees no leader). */
  readonly isolated: boolean;
}

/** Events of one server-side keep-alive stream. */
export interface KeepAliveSessionListener {
  onResponse(response: LeaseKeepAliveResponse): void;
  /** The server ended the stream; `undefined` = OK. Called at most once. */
  onEnd(error: Error | undefined): void;
}

/** The server side of one `LeaseKeepAlive` stream. */
export interface KeepAliveSession {
  /** One request arrived from the client. */
  receive(id: bigint): void;
  /** The client went away (cancel, connection lost). No event is delivered after this. */
  cancel(): void;
  /** True once ended or cancelled. */
  readonly ended: boolean;
}

interface Member {
  readonly index: number;
  readonly id: bigint;
  up: boolean;
  isolated: boolean;
  /** Monitor ticks in a row without a leader (require-leader streams end at 3). */
  noLeaderTicks: number;
  readonly sessions: Set<SessionState>;
  header: ResponseHeader | undefined;
}

interface SessionState {
  readonly member: Member;
  readonly requireLeader: boolean;
  readonly listener: KeepAliveSessionListener;
  readonly queue: bigint[];
  busy: boolean;
  ended: boolean;
  waitTimer: TimerHandle | undefined;
  wake: (() => void) | undefined;
}

/**
 * A fake etcd cluster of 1, 3 or 5 members with the lease API's server semantics (see
 * `reference/etcd-lease.md`): leader election driven by randomised election timeouts (terms,
 * quorum; not real Raft), one replicated lease table whose expiry only the leader runs, renew on
 * the leader (followers forward), the 500 ms expiry loop, promote/demote on leader change,
 * require-leader handling, etcd's exact gRPC codes and messages, and counters of what it saw.
 *
 * Faults are methods: {@link EtcdCluster.isolateLeader}, {@link EtcdCluster.loseQuorum},
 * {@link EtcdCluster.transferLeader}, {@link EtcdCluster.restartMember},
 * {@link EtcdCluster.endStreams}. Transport faults (latency, drops, GOAWAY framing) belong to the
 * client transport in front of it.
 */
export class EtcdCluster implements AsyncDisposable {
  readonly #o: ResolvedEtcdOptions;
  readonly #members: Member[] = [];
  readonly #lessor = new ServerLessor();
  readonly #ids: IdGenerator;
  readonly #timers = new Set<TimerHandle>();
  readonly #leaderWaiters = new Set<() => void>();
  /** What the server saw. */
  readonly counters: EtcdLeaseCounters;
  #leader: Member | undefined;
  #term = 0n;
  #revision = 1n;
  #electionTimer: TimerHandle | undefined;
  /** Pending ends of isolations and restarts, so {@link EtcdCluster.healFaults} can end them now. */
  readonly #heals = new Map<TimerHandle, () => void>();
  #closed = false;
  /** While the clock is before this, new calls and streams are refused (overload fault). */
  #refusingUntil = Number.NEGATIVE_INFINITY;
  #refusal: EtcdErrorName = "requestTimedOut";
  #leaderChanges = 0;
  readonly #countPlainStreams: boolean;

  /**
   * Validates `options`, creates the members and elects the first leader at once (term 1).
   * `counters.requireLeaderOnly` counts only keep-alives that arrive on require-leader streams (a
   * lessor's shared stream), so that a client's own `keepAliveOnce` streams do not count.
   */
  constructor(
    options: EtcdClusterOptions,
    counters?: { readonly keepTimes?: boolean; readonly requireLeaderOnly?: boolean },
  ) {
    this.#o = resolveEtcdOptions(options);
    this.counters = new EtcdLeaseCounters(counters?.keepTimes ?? true);
    this.#countPlainStreams = counters?.requireLeaderOnly !== true;
    for (let i = 0; i < this.#o.members; i++) {
      this.#members.push({
        index: i,
        id: BigInt(0x100 + i + 1),
        up: true,
        isolated: false,
        noLeaderTicks: 0,
        sessions: new Set(),
        header: undefined,
      });
    }
    const first = this.#members[0] as Member;
    this.#ids = new IdGenerator(first.id, this.#o.clock.now());
    this.#elect(first);
    this.#every(this.#o.revokeIntervalMs, () => this.#revokeExpired());
    this.#every(this.#o.electionTimeoutMs, () => this.#monitorLeader());
  }

  // --- observation ------------------------------------------------------------------------------

  /** Minimum lease TTL in seconds: ceil(1.5 × electionTimeout). */
  get minLeaseTtl(): number {
    return this.#o.minLeaseTtl;
  }

  /** The election timeout (ms). */
  get electionTimeoutMs(): number {
    return this.#o.electionTimeoutMs;
  }

  /** Current Raft term. */
  get term(): bigint {
    return this.#term;
  }

  /** Index of the leader, or `undefined` while there is none. */
  get leaderIndex(): number | undefined {
    return this.#leader?.index;
  }

  /** How many times leadership changed hands (including losses). */
  get leaderChanges(): number {
    return this.#leaderChanges;
  }

  /** The members. */
  members(): EtcdMemberInfo[] {
    return this.#members.map(({ index, id, up, isolated }) => ({ index, id, up, isolated }));
  }

  /** Whether member `index` currently sees a leader. */
  hasLeader(index: number): boolean {
    return this.#leaderFor(this.#member(index)) !== undefined;
  }

  /** Number of leases held. */
  get leaseCount(): number {
    return this.#lessor.size;
  }

  /** Whether lease `id` exists (granted, not revoked or expired-and-revoked). */
  hasLease(id: bigint): boolean {
    return this.#lessor.get(id) !== undefined;
  }

  /** Attaches a key to a lease (the fake has no KV store; this feeds TimeToLive `keys`). */
  attachKey(id: bigint, key: string): void {
    const lease = this.#lessor.get(id);
    if (lease === undefined) throw new EtcdStatusError("leaseNotFound");
    lease.keys.add(key);
  }

  /** Open server-side keep-alive streams over all members. */
  openSessions(): number {
    let n = 0;
    for (const m of this.#members) n += m.sessions.size;
    return n;
  }

  /** Whether member `index` is up (accepts connections). */
  isUp(index: number): boolean {
    return this.#member(index).up;
  }

  // --- the lease service (per member) -----------------------------------------------------------

  /** `LeaseGrant` at member `index`. */
  grant(index: number, request: LeaseGrantRequest): LeaseGrantResponse {
    const member = this.#serving(index);
    this.#requireLeader(member);
    if (request.TTL > MAX_LEASE_TTL) throw new EtcdStatusError("ttlTooLarge");
    let id = request.ID;
    if (id === 0n) {
      do id = this.#ids.next();
      while (this.#lessor.get(id) !== undefined);
    } else if (this.#lessor.get(id) !== undefined) {
      throw new EtcdStatusError("leaseExists");
    }
    const ttl = Math.max(request.TTL, this.#o.minLeaseTtl);
    const now = this.#o.clock.now();
    this.#lessor.grant(id, ttl, now);
    this.#revision += 1n;
    this.#trace("lease.grant", { id, ttl });
    this.#observe({ kind: "grant", at: now, id, ttl });
    return { header: this.#header(member), ID: id, TTL: ttl, error: "" };
  }

  /** `LeaseRevoke` at member `index`. */
  revoke(index: number, id: bigint): LeaseRevokeResponse {
    const member = this.#serving(index);
    this.#requireLeader(member);
    if (this.#lessor.revoke(id) === undefined) throw new EtcdStatusError("leaseNotFound");
    this.#revision += 1n;
    const now = this.#o.clock.now();
    this.counters.ended({ id, at: now, kind: "revoked" });
    this.#trace("lease.revoke", { id });
    this.#observe({ kind: "revoke", at: now, id });
    return { header: this.#header(member) };
  }

  /** `LeaseTimeToLive` at member `index`. */
  timeToLive(index: number, request: LeaseTimeToLiveRequest): LeaseTimeToLiveResponse {
    const member = this.#serving(index);
    this.#requireLeader(member);
    const lease = this.#lessor.get(request.ID);
    const now = this.#o.clock.now();
    const ttl = this.#lessor.remaining(request.ID, now);
    const encoder = new TextEncoder();
    // A lease in its expiry window (TTL 0, not yet revoked) still has its granted TTL and keys.
    const grantedTTL = lease?.ttl ?? 0;
    this.#observe({ kind: "time-to-live", at: now, id: request.ID, ttl, grantedTTL });
    return {
      header: this.#header(member),
      ID: request.ID,
      TTL: ttl,
      grantedTTL,
      keys: request.keys && lease ? [...lease.keys].map((k) => encoder.encode(k)) : [],
    };
  }

  /** `LeaseLeases` at member `index`. */
  leases(index: number): LeaseLeasesResponse {
    const member = this.#serving(index);
    this.#requireLeader(member);
    return { header: this.#header(member), leases: this.#lessor.ids().map((ID) => ({ ID })) };
  }

  /**
   * Opens the server side of a `LeaseKeepAlive` stream at member `index`. A require-leader stream
   * opened while the member sees no leader ends at once with `no leader` (synchronously).
   */
  openKeepAlive(
    index: number,
    requireLeader: boolean,
    listener: KeepAliveSessionListener,
  ): KeepAliveSession {
    const member = this.#serving(index);
    const state: SessionState = {
      member,
      requireLeader,
      listener,
      queue: [],
      busy: false,
      ended: false,
      waitTimer: undefined,
      wake: undefined,
    };
    const session: KeepAliveSession = {
      receive: (id) => this.#receive(state, id),
      cancel: () => this.#endSession(state, undefined, false),
      get ended() {
        return state.ended;
      },
    };
    if (requireLeader && this.#leaderFor(member) === undefined) {
      state.ended = true;
      listener.onEnd(new EtcdStatusError("noLeader"));
      return session;
    }
    member.sessions.add(state);
    return session;
  }

  // --- faults -----------------------------------------------------------------------------------

  /**
   * Leader loss for `durationMs`: the leader is cut off from its peers (it steps down and sees no
   * leader); the others elect a new leader after an election timeout if they still have quorum.
   * Returns false when there was no leader.
   */
  isolateLeader(durationMs: number): boolean {
    const leader = this.#leader;
    if (leader === undefined) return false;
    this.#isolate([leader], durationMs);
    return true;
  }

  /** Quorum loss for `durationMs`: every member is cut off; nobody can lead until it heals. */
  loseQuorum(durationMs: number): void {
    this.#isolate(
      this.#members.filter((m) => !m.isolated),
      durationMs,
    );
  }

  /** Leader change (`MoveLeader`): the leader hands over to another member at once. */
  transferLeader(): boolean {
    const old = this.#leader;
    if (old === undefined) return false;
    const candidates = this.#candidates().filter((m) => m !== old);
    const next =
      candidates.length === 0
        ? old
        : (candidates[this.#o.random.int(0, candidates.length)] as Member);
    this.#stepDown("transfer");
    this.#elect(next);
    return true;
  }

  /**
   * Member restart: member `index` goes down for `downMs` (its streams end, connections are
   * refused), then comes back as a follower.
   */
  restartMember(index: number, downMs: number): void {
    const member = this.#member(index);
    if (!member.up) return;
    member.up = false;
    this.#trace("member.down", { member: index });
    this.#endSessions(member, new EtcdTransportError(GrpcCode.UNAVAILABLE, "connection reset"));
    if (this.#leader === member) this.#stepDown("restart");
    this.#healAfter(downMs, () => {
      member.up = true;
      member.noLeaderTicks = 0;
      this.#trace("member.up", { member: index });
      this.#ensureElection();
    });
  }

  /**
   * Overload for `durationMs`: every member refuses new calls and new keep-alive streams with
   * etcd's `error` (default UNAVAILABLE `request timed out`, as when proposals time out), while
   * streams already open keep working.
   */
  refuseNewCalls(durationMs: number, error: EtcdErrorName = "requestTimedOut"): void {
    this.#refusingUntil = this.#o.clock.now() + durationMs;
    this.#refusal = error;
    this.#trace("members.overloaded", { durationMs, error });
  }

  /**
   * Ends every isolation (leader or quorum loss) and member restart now instead of when its
   * duration runs out, as wire mode's `DELETE /faults` does. Returns the members it brought back.
   */
  healFaults(): { readonly isolated: readonly number[]; readonly down: readonly number[] } {
    if (this.#closed) return { isolated: [], down: [] };
    const isolated = this.#members.filter((m) => m.isolated).map((m) => m.index);
    const down = this.#members.filter((m) => !m.up).map((m) => m.index);
    for (const [handle, heal] of [...this.#heals]) {
      this.#heals.delete(handle);
      this.#timers.delete(handle);
      this.#o.clock.clearTimeout(handle);
      heal();
    }
    return { isolated, down };
  }

  /**
   * Ends every keep-alive stream at member `index` with `error` (e.g. a GOAWAY from the member), or
   * cleanly (status OK) when `error` is `undefined`.
   */
  endStreams(index: number, error: Error | undefined): void {
    this.#endSessions(this.#member(index), error);
  }

  /** Stops every timer and ends every stream. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const handle of this.#timers) this.#o.clock.clearTimeout(handle);
    this.#timers.clear();
    this.#electionTimer = undefined;
    for (const member of this.#members) {
      this.#endSessions(member, new EtcdTransportError(GrpcCode.UNAVAILABLE, "server closed"));
    }
    for (const wake of [...this.#leaderWaiters]) wake();
    this.#leaderWaiters.clear();
    return Promise.resolve();
  }

  /** Same as {@link EtcdCluster.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- internals: membership and elections ------------------------------------------------------

  #member(index: number): Member {
    const member = this.#members[index];
    if (member === undefined) throw new RangeError(`no member ${index}`);
    return member;
  }

  #serving(index: number): Member {
    const member = this.#member(index);
    if (this.#closed || !member.up) {
      throw new EtcdTransportError(GrpcCode.UNAVAILABLE, "connection refused");
    }
    if (this.#o.clock.now() < this.#refusingUntil) throw new EtcdStatusError(this.#refusal);
    return member;
  }

  #leaderFor(member: Member): Member | undefined {
    if (!member.up || member.isolated) return member === this.#leader ? member : undefined;
    return this.#leader;
  }

  #requireLeader(member: Member): void {
    if (this.#leaderFor(member) === undefined) throw new EtcdStatusError("noLeader");
  }

  #candidates(): Member[] {
    return this.#members.filter((m) => m.up && !m.isolated);
  }

  #quorum(): number {
    return Math.floor(this.#members.length / 2) + 1;
  }

  #elect(member: Member): void {
    this.#term += 1n;
    this.#leader = member;
    this.#leaderChanges += 1;
    // etcd: Promote(electionTimeout): every lease is renewed by the election.
    const now = this.#o.clock.now();
    this.#lessor.promote(now, this.#o.electionTimeoutMs);
    this.#trace("leader.elected", { member: member.index, term: this.#term });
    this.#observe({ kind: "promote", at: now });
    for (const wake of [...this.#leaderWaiters]) wake();
  }

  #stepDown(why: string): void {
    const old = this.#leader;
    if (old === undefined) return;
    this.#leader = undefined;
    this.#leaderChanges += 1;
    this.#lessor.demote();
    this.#trace("leader.lost", { member: old.index, term: this.#term, why });
    this.#observe({ kind: "demote", at: this.#o.clock.now() });
    this.#ensureElection();
  }

  #isolate(members: Member[], durationMs: number): void {
    for (const m of members) m.isolated = true;
    this.#trace("members.isolated", { members: members.map((m) => m.index), durationMs });
    if (this.#leader?.isolated === true) this.#stepDown("isolated");
    else this.#ensureElection();
    this.#healAfter(durationMs, () => {
      for (const m of members) m.isolated = false;
      this.#trace("members.healed", { members: members.map((m) => m.index) });
      this.#ensureElection();
    });
  }

  /** Schedules an election after a randomised election timeout when there is no leader. */
  #ensureElection(): void {
    if (this.#closed || this.#leader !== undefined || this.#electionTimer !== undefined) return;
    const et = this.#o.electionTimeoutMs;
    const delay = et + this.#o.random.int(0, Math.max(1, Math.floor(et)));
    this.#electionTimer = this.#after(delay, () => {
      this.#electionTimer = undefined;
      if (this.#leader !== undefined) return;
      const candidates = this.#candidates();
      if (candidates.length >= this.#quorum()) {
        this.#elect(candidates[this.#o.random.int(0, candidates.length)] as Member);
      } else {
        this.#ensureElection();
      }
    });
  }

  /** etcd's `monitorLeader`: require-leader streams end after 3 election timeouts without one. */
  #monitorLeader(): void {
    for (const member of this.#members) {
      if (!member.up) continue;
      if (this.#leaderFor(member) !== undefined) {
        member.noLeaderTicks = 0;
        // A member that rejoined (healed isolation, restart) forwards the renewals it held while it
        // saw no leader; elections wake waiters at once, a rejoin by this tick.
        for (const state of [...member.sessions]) state.wake?.();
        continue;
      }
      member.noLeaderTicks += 1;
      if (member.noLeaderTicks < 3) continue;
      for (const state of [...member.sessions]) {
        if (state.requireLeader) this.#endSession(state, new EtcdStatusError("noLeader"), true);
      }
    }
  }

  /** The leader's expiry loop: revoke up to `maxRevokesPerTick` expired leases. */
  #revokeExpired(): void {
    if (this.#leader === undefined) return;
    const now = this.#o.clock.now();
    for (const lease of this.#lessor.findExpired(now, this.#o.maxRevokesPerTick)) {
      this.#lessor.revoke(lease.id);
      this.#revision += 1n;
      this.counters.ended({ id: lease.id, at: now, kind: "expired" });
      this.#trace("lease.expired", { id: lease.id, ttl: lease.ttl });
      this.#observe({ kind: "expire", at: now, id: lease.id });
    }
  }

  // --- internals: keep-alive streams ------------------------------------------------------------

  #receive(state: SessionState, id: bigint): void {
    if (state.ended) return;
    const now = this.#o.clock.now();
    // One lookup serves the counters and, on the fast path, the renewal.
    const lease = this.#lessor.get(id);
    if (state.requireLeader || this.#countPlainStreams)
      this.counters.keepAliveCached(id, now, lease);
    if (this.#o.traceKeepAlives) this.#trace("lease.keepalive", { id, member: state.member.index });
    if (!state.busy && state.queue.length === 0 && this.#leaderFor(state.member) !== undefined) {
      // What `#pump` would do for a lone request, without the queue round trip or a second lookup.
      const ttl = this.#lessor.renewLease(lease, now) ?? 0;
      this.#observe({ kind: "renew", at: now, id, ttl });
      state.listener.onResponse({ header: this.#header(state.member), ID: id, TTL: ttl });
      return;
    }
    state.queue.push(id);
    this.#pump(state);
  }

  /** Answers queued requests in order; a renew without a leader waits for one (forwarding). */
  #pump(state: SessionState): void {
    if (state.busy) return;
    while (!state.ended && state.queue.length > 0) {
      const leader = this.#leaderFor(state.member);
      if (leader === undefined) {
        this.#waitForLeader(state);
        return;
      }
      const id = state.queue.shift() as bigint;
      const now = this.#o.clock.now();
      const ttl = this.#lessor.renew(id, now) ?? 0;
      this.#observe({ kind: "renew", at: now, id, ttl });
      state.listener.onResponse({ header: this.#header(state.member), ID: id, TTL: ttl });
    }
  }

  #waitForLeader(state: SessionState): void {
    state.busy = true;
    const wake = (): void => {
      this.#leaderWaiters.delete(wake);
      state.wake = undefined;
      if (state.waitTimer !== undefined) this.#clear(state.waitTimer);
      state.waitTimer = undefined;
      state.busy = false;
      if (!this.#closed) this.#pump(state);
    };
    state.wake = wake;
    this.#leaderWaiters.add(wake);
    state.waitTimer = this.#after(this.#o.requestTimeoutMs, () => {
      state.waitTimer = undefined;
      this.#leaderWaiters.delete(wake);
      state.wake = undefined;
      state.busy = false;
      this.#endSession(state, new EtcdStatusError("requestTimedOut"), true);
    });
  }

  #endSessions(member: Member, error: Error | undefined): void {
    for (const state of [...member.sessions]) this.#endSession(state, error, true);
  }

  #endSession(state: SessionState, error: Error | undefined, notify: boolean): void {
    if (state.ended) return;
    state.ended = true;
    state.member.sessions.delete(state);
    state.queue.length = 0;
    if (state.waitTimer !== undefined) {
      this.#clear(state.waitTimer);
      state.waitTimer = undefined;
    }
    if (state.wake !== undefined) this.#leaderWaiters.delete(state.wake);
    state.wake = undefined;
    if (notify) state.listener.onEnd(error);
  }

  // --- internals: timers, headers, trace --------------------------------------------------------

  #after(ms: number, fn: () => void): TimerHandle {
    const handle = this.#o.clock.setTimeout(() => {
      this.#timers.delete(handle);
      if (!this.#closed) fn();
    }, ms);
    this.#timers.add(handle);
    return handle;
  }

  /** {@link EtcdCluster.#after} for the end of a fault, which `healFaults` may bring forward. */
  #healAfter(ms: number, heal: () => void): void {
    const handle = this.#after(ms, () => {
      this.#heals.delete(handle);
      heal();
    });
    this.#heals.set(handle, heal);
  }

  #every(ms: number, fn: () => void): void {
    const tick = (): void => {
      fn();
      this.#after(ms, tick);
    };
    this.#after(ms, tick);
  }

  #clear(handle: TimerHandle): void {
    this.#o.clock.clearTimeout(handle);
    this.#timers.delete(handle);
  }

  #header(member: Member): ResponseHeader {
    // Headers are immutable values: reuse one per member until the revision or term moves, so a
    // keep-alive response allocates no header.
    const cached = member.header;
    if (
      cached !== undefined &&
      cached.revision === this.#revision &&
      cached.raftTerm === this.#term
    ) {
      return cached;
    }
    const header: ResponseHeader = Object.freeze({
      clusterId: this.#o.clusterId,
      memberId: member.id,
      revision: this.#revision,
      raftTerm: this.#term,
    });
    member.header = header;
    return header;
  }

  #observe(event: EtcdLeaseEvent): void {
    this.#o.observer?.onLeaseEvent(event);
  }

  #trace(kind: string, data: { readonly [key: string]: TraceValue }): void {
    this.#o.trace?.record("etcd", kind, data);
  }
}
