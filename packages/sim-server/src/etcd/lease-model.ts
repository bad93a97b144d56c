import { MAX_LEASE_TTL } from "@dsim/core";

/** One operation on the lease model (and on a one-member fake etcd, for the model check). */
export type LeaseModelOp =
  | { readonly kind: "grant"; readonly id: bigint; readonly ttl: number }
  | { readonly kind: "revoke"; readonly id: bigint }
  | { readonly kind: "renew"; readonly id: bigint }
  | { readonly kind: "timeToLive"; readonly id: bigint }
  | { readonly kind: "advance"; readonly ms: number }
  | { readonly kind: "transferLeader" }
  /** The leader stepped down and nobody leads yet: every lease is frozen (etcd `Demote`). */
  | { readonly kind: "demote" }
  /** A member became leader: every lease expires ET + TTL from now (etcd `Promote`). */
  | { readonly kind: "promote" };

/** What an operation answered: comparable with `toEqual`. */
export type LeaseModelOutput =
  | { readonly ok: true; readonly ttl?: number; readonly grantedTTL?: number }
  | { readonly ok: false; readonly error: "leaseExists" | "ttlTooLarge" | "leaseNotFound" };

/** Parameters of the model: the same as the fake cluster's. */
export interface LeaseModelConfig {
  readonly electionTimeoutMs: number;
  readonly revokeIntervalMs: number;
}

/**
 * An executable model of etcd's lease arithmetic, written as plainly as possible so that it can be
 * checked by eye against `reference/etcd-lease.md`: min TTL = ceil(1.5 × ET); renew sets
 * expiry = now + granted TTL and answers the granted TTL, unknown/expired → 0; TimeToLive =
 * floor(remaining s), 0 for an expired lease the expiry loop has not removed yet, −1 once it is
 * gone; the expiry loop runs at every multiple of the revoke interval and removes leases with
 * expiry ≤ tick; a leader change sets every expiry to now + ET + TTL. While no member leads
 * (between `demote` and `promote`) nothing expires and TimeToLive reports the granted TTL, as a
 * demoted etcd lessor sets every expiry to "forever".
 */
export class LeaseModel {
  readonly #config: LeaseModelConfig;
  readonly #leases = new Map<bigint, { ttl: number; expiry: number }>();
  #now = 0;

  constructor(config: LeaseModelConfig) {
    this.#config = config;
  }

  /** IDs of the leases the model holds. */
  ids(): bigint[] {
    return [...this.#leases.keys()];
  }

  /** Model time (ms). */
  get now(): number {
    return this.#now;
  }

  /** Minimum TTL in seconds. */
  get minTtl(): number {
    return Math.ceil((1.5 * this.#config.electionTimeoutMs) / 1000);
  }

  /** Applies one operation and returns what the server would answer. */
  apply(op: LeaseModelOp): LeaseModelOutput {
    switch (op.kind) {
      case "grant": {
        if (op.ttl > MAX_LEASE_TTL) return { ok: false, error: "ttlTooLarge" };
        if (this.#leases.has(op.id)) return { ok: false, error: "leaseExists" };
        const ttl = Math.max(op.ttl, this.minTtl);
        this.#leases.set(op.id, { ttl, expiry: this.#now + ttl * 1000 });
        return { ok: true, ttl };
      }
      case "revoke":
        if (!this.#leases.delete(op.id)) return { ok: false, error: "leaseNotFound" };
        return { ok: true };
      case "renew": {
        const lease = this.#leases.get(op.id);
        if (lease === undefined || lease.expiry <= this.#now) return { ok: true, ttl: 0 };
        lease.expiry = this.#now + lease.ttl * 1000;
        return { ok: true, ttl: lease.ttl };
      }
      case "timeToLive": {
        const lease = this.#leases.get(op.id);
        // Gone only once revoked or removed by the expiry loop: an expired lease still waiting
        // for the loop answers TTL 0 (remaining is in (−0.5 s, 0], truncated toward zero).
        if (lease === undefined) return { ok: true, ttl: -1, grantedTTL: 0 };
        if (lease.expiry === Number.POSITIVE_INFINITY) {
          return { ok: true, ttl: lease.ttl, grantedTTL: lease.ttl };
        }
        const remaining = Math.trunc((lease.expiry - this.#now) / 1000);
        return { ok: true, ttl: remaining === 0 ? 0 : remaining, grantedTTL: lease.ttl };
      }
      case "advance": {
        const end = this.#now + op.ms;
        const step = this.#config.revokeIntervalMs;
        for (let tick = (Math.floor(this.#now / step) + 1) * step; tick <= end; tick += step) {
          for (const [id, lease] of this.#leases) if (lease.expiry <= tick) this.#leases.delete(id);
        }
        this.#now = end;
        return { ok: true };
      }
      case "demote":
        for (const lease of this.#leases.values()) lease.expiry = Number.POSITIVE_INFINITY;
        return { ok: true };
      case "promote":
      case "transferLeader":
        for (const lease of this.#leases.values()) {
          lease.expiry = this.#now + this.#config.electionTimeoutMs + lease.ttl * 1000;
        }
        return { ok: true };
    }
  }
}
