/** What the server saw of one lease's keep-alive requests: O(1) memory per lease. */
export interface KeepAliveStats {
  /** Requests received. */
  count: number;
  /** Time of the first request (ms). */
  first: number;
  /** Time of the latest request (ms). */
  last: number;
  /** Smallest gap between two consecutive requests (ms); `Infinity` with fewer than two. */
  minGapMs: number;
}

/** One expiry or revoke the server applied. */
export interface LeaseEndEvent {
  readonly id: bigint;
  readonly at: number;
  readonly kind: "expired" | "revoked";
}

/**
 * Counters of what the fake etcd saw, for outside-in invariants: keep-alive requests per lease
 * (count, first/last time, smallest gap, and optionally every time) and every lease that ended.
 */
export class EtcdLeaseCounters {
  readonly #stats = new Map<bigint, KeepAliveStats>();
  readonly #times = new Map<bigint, number[]>();
  readonly #ends: LeaseEndEvent[] = [];
  readonly #keepTimes: boolean;
  #requests = 0;

  /** `keepTimes`: also keep every request time per lease (memory grows with requests). */
  constructor(keepTimes: boolean) {
    this.#keepTimes = keepTimes;
  }

  /** Records one keep-alive request for `id` at `now`. */
  keepAlive(id: bigint, now: number): void {
    this.keepAliveCached(id, now, undefined);
  }

  /**
   * {@link EtcdLeaseCounters.keepAlive}, with `holder` (the server's lease object for `id`, if any)
   * caching this ID's stats so that later requests skip the map lookup.
   */
  keepAliveCached(
    id: bigint,
    now: number,
    holder: { stats: KeepAliveStats | undefined } | undefined,
  ): void {
    this.#requests += 1;
    let stats = holder?.stats;
    if (stats === undefined) {
      stats = this.#stats.get(id);
      if (stats !== undefined && holder !== undefined) holder.stats = stats;
    }
    if (stats === undefined) {
      stats = { count: 1, first: now, last: now, minGapMs: Number.POSITIVE_INFINITY };
      this.#stats.set(id, stats);
      if (holder !== undefined) holder.stats = stats;
    } else {
      stats.minGapMs = Math.min(stats.minGapMs, now - stats.last);
      stats.last = now;
      stats.count += 1;
    }
    if (this.#keepTimes) {
      const times = this.#times.get(id);
      if (times === undefined) this.#times.set(id, [now]);
      else times.push(now);
    }
  }

  /** Records that lease `id` ended. */
  ended(event: LeaseEndEvent): void {
    this.#ends.push(event);
  }

  /** Total keep-alive requests received. */
  get requests(): number {
    return this.#requests;
  }

  /** Stats of one lease, if it was ever kept alive. */
  statsFor(id: bigint): Readonly<KeepAliveStats> | undefined {
    return this.#stats.get(id);
  }

  /** Every request time of one lease (empty unless `keepTimes`). */
  timesFor(id: bigint): readonly number[] {
    return this.#times.get(id) ?? [];
  }

  /** Leases that expired or were revoked, in order. */
  ends(): readonly LeaseEndEvent[] {
    return this.#ends;
  }

  /** Leases that expired (not revoked), in order. */
  expirations(): LeaseEndEvent[] {
    return this.#ends.filter((e) => e.kind === "expired");
  }
}
