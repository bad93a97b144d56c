import { MinHeap } from "@dsim/core";
import type { KeepAliveStats } from "./keep-alive-stats.js";

/** One lease as the server holds it. */
export interface ServerLease {
  readonly id: bigint;
  /** Granted TTL, seconds. */
  readonly ttl: number;
  /** When the leader expires it (ms); `Infinity` while no member is primary ("forever"). */
  expiry: number;
  /** Keys attached to the lease (the fake has no KV store; tests attach names). */
  readonly keys: Set<string>;
  /**
   * Key of the lease's one live item in the expiry heap (NaN: none); items with another key are
   * stale. A renewal usually moves `expiry` later; the item is then re-pushed when it pops early,
   * so such a renewal costs no heap operation (one that moves it earlier pushes a new item).
   */
  expiryKey: number;
  /** Set once revoked (or expired), so holders of the object need no map lookup to know. */
  revoked: boolean;
  /**
   * The keep-alive counters of this lease's ID, cached here by `EtcdLeaseCounters` so a request
   * costs one map lookup, not two. Counters outlive the lease: a re-grant of the ID finds them
   * again through the counters' map.
   */
  stats: KeepAliveStats | undefined;
}

/**
 * The server-side lessor (etcd `server/lease/lessor.go`), reduced to the arithmetic the client can
 * observe: grant, revoke, renew (expiry = now + granted TTL, answer the granted TTL), remaining
 * TTL, promote (every expiry = now + extend + TTL), demote (every lease "forever") and finding
 * expired leases. Expiries live in a min-heap, like etcd's `leaseExpiredNotifier`, so the expiry
 * loop costs O(expired · log n).
 */
export class ServerLessor {
  readonly #leases = new Map<bigint, ServerLease>();
  readonly #expiries = new MinHeap<ServerLease>();
  #primary = false;

  /** Whether this lessor belongs to the leader (only the primary renews and expires). */
  get primary(): boolean {
    return this.#primary;
  }

  /** Number of leases. */
  get size(): number {
    return this.#leases.size;
  }

  /** The lease, if it exists. */
  get(id: bigint): ServerLease | undefined {
    return this.#leases.get(id);
  }

  /** Every lease ID, in grant order. */
  ids(): bigint[] {
    return [...this.#leases.keys()];
  }

  /** Adds a lease; the caller checked it does not exist and that `ttl` is effective. */
  grant(id: bigint, ttl: number, now: number): ServerLease {
    const lease: ServerLease = {
      id,
      ttl,
      expiry: this.#primary ? now + ttl * 1000 : Number.POSITIVE_INFINITY,
      keys: new Set(),
      expiryKey: Number.NaN,
      revoked: false,
      stats: undefined,
    };
    this.#leases.set(id, lease);
    this.#track(lease);
    return lease;
  }

  /** Removes a lease; returns it, or `undefined` when unknown. */
  revoke(id: bigint): ServerLease | undefined {
    const lease = this.#leases.get(id);
    if (lease === undefined) return undefined;
    this.#leases.delete(id);
    lease.revoked = true;
    return lease;
  }

  /** True when the lease exists and its expiry has passed (`Remaining() <= 0`). */
  expired(lease: ServerLease, now: number): boolean {
    return lease.expiry - now <= 0;
  }

  /**
   * `Renew`: expiry = now + granted TTL; answers the granted TTL. `undefined` when the lease is
   * unknown or already expired (the caller answers TTL 0).
   */
  renew(id: bigint, now: number): number | undefined {
    return this.renewLease(this.#leases.get(id), now);
  }

  /**
   * {@link ServerLessor.renew} of a lease object the caller just looked up (`get`) in the same
   * synchronous step, so the hot keep-alive path looks the ID up once.
   */
  renewLease(lease: ServerLease | undefined, now: number): number | undefined {
    if (lease === undefined || lease.revoked || this.expired(lease, now)) return undefined;
    lease.expiry = now + lease.ttl * 1000;
    // Usually a renewal moves the expiry later and the live heap item is re-pushed when it pops
    // early. Right after a promotion (expiry = now + extend + TTL) it moves it earlier: the item
    // must move too, or the lease would outlive its TTL (found by the lease model check).
    if (Number.isNaN(lease.expiryKey) || lease.expiry < lease.expiryKey) this.#track(lease);
    return lease.ttl;
  }

  /**
   * `TimeToLive`'s TTL: −1 only when the lease is unknown (revoked, or removed by the expiry
   * loop); otherwise the remaining time in whole seconds truncated toward zero, as etcd's
   * `int64(Remaining().Seconds())`. So an expired lease the expiry loop has not revoked yet
   * answers 0, like real etcd for up to one 500 ms loop period.
   */
  remaining(id: bigint, now: number): number {
    const lease = this.#leases.get(id);
    if (lease === undefined) return -1;
    if (lease.expiry === Number.POSITIVE_INFINITY) return lease.ttl;
    const whole = Math.trunc((lease.expiry - now) / 1000);
    // Math.trunc(-0.3) is -0: answer a plain 0.
    return whole === 0 ? 0 : whole;
  }

  /** `Promote(extend)`: this member became leader; every lease is fully renewed plus `extendMs`. */
  promote(now: number, extendMs: number): void {
    this.#primary = true;
    this.#expiries.clear();
    for (const lease of this.#leases.values()) {
      lease.expiry = now + extendMs + lease.ttl * 1000;
      lease.expiryKey = Number.NaN;
      this.#track(lease);
    }
  }

  /** `Demote`: this member lost leadership; every lease lives "forever" until the next promote. */
  demote(): void {
    this.#primary = false;
    this.#expiries.clear();
    for (const lease of this.#leases.values()) {
      lease.expiry = Number.POSITIVE_INFINITY;
      lease.expiryKey = Number.NaN;
    }
  }

  /** Up to `limit` expired leases (the caller revokes them). Only a primary expires leases. */
  findExpired(now: number, limit: number): ServerLease[] {
    const out: ServerLease[] = [];
    if (!this.#primary) return out;
    const heap = this.#expiries;
    while (out.length < limit) {
      const key = heap.peekKey();
      if (key === undefined || key - now > 0) break;
      const lease = heap.pop();
      if (lease === undefined) break;
      if (key !== lease.expiryKey) continue;
      lease.expiryKey = Number.NaN;
      // Leases leave the map only through `revoke`, which marks them.
      if (lease.revoked) continue;
      if (lease.expiry - now > 0) {
        // Renewed since this item was pushed.
        this.#track(lease);
        continue;
      }
      out.push(lease);
    }
    return out;
  }

  #track(lease: ServerLease): void {
    if (lease.expiry !== Number.POSITIVE_INFINITY) {
      lease.expiryKey = lease.expiry;
      this.#expiries.push(lease.expiry, lease);
    }
  }
}
