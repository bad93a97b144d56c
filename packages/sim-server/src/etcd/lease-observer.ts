/**
 * What the fake etcd did to its lease table, reported as it happens, so that a run can compare the
 * server's answers with an independent model of etcd's lease rules (see `LeaseModel`). Times are
 * the cluster clock's ms.
 */
export type EtcdLeaseEvent =
  /** A lease was granted with the effective TTL (seconds). */
  | { readonly kind: "grant"; readonly at: number; readonly id: bigint; readonly ttl: number }
  /** A lease was revoked by a client. */
  | { readonly kind: "revoke"; readonly at: number; readonly id: bigint }
  /** A keep-alive was answered with `ttl` (0: unknown, revoked or expired). */
  | { readonly kind: "renew"; readonly at: number; readonly id: bigint; readonly ttl: number }
  /** A TimeToLive was answered. */
  | {
      readonly kind: "time-to-live";
      readonly at: number;
      readonly id: bigint;
      readonly ttl: number;
      readonly grantedTTL: number;
    }
  /** The leader's expiry loop removed an expired lease. */
  | { readonly kind: "expire"; readonly at: number; readonly id: bigint }
  /** A member became leader: etcd's `Promote` (every lease renewed plus an election timeout). */
  | { readonly kind: "promote"; readonly at: number }
  /** The leader stepped down: etcd's `Demote` (every lease frozen until the next promote). */
  | { readonly kind: "demote"; readonly at: number };

/** Receives every {@link EtcdLeaseEvent} of a cluster, synchronously, in order. */
export interface EtcdLeaseObserver {
  onLeaseEvent(event: EtcdLeaseEvent): void;
}
