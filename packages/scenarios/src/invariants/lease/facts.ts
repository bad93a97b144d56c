import type { TraceValue } from "@dsim/sim-server";

/** A broken invariant, before it becomes an `InvariantViolation`. */
export interface LeaseViolation {
  readonly invariant: string;
  readonly message: string;
  readonly details: { readonly [key: string]: TraceValue };
}

/** What one subscriber saw, recorded from the outside of the lessor. */
export interface SubscriberFact {
  readonly index: number;
  /** Index of its lease in the case. */
  readonly lease: number;
  readonly requireLeader: boolean;
  /** The lease's anchor subscriber (plain, from t=0, never cancelled). */
  readonly anchored: boolean;
  readonly startAt: number;
  /** When the workload cancelled it. */
  cancelledAt: number | null;
  /** When it was first seen closed (exact: from `whenClosed`). */
  closedAt: number | null;
  /** The close reason kind. */
  reason: string | null;
  /** The close reason changed after it was first seen (closed twice). */
  reasonChanged: boolean;
  /** The largest buffer seen. */
  maxBuffered: number;
  /** Buffered responses when it closed. */
  bufferedAtClose: number;
  /** The buffer grew after the subscription closed. */
  grewAfterClose: boolean;
  /** Responses read after it closed. */
  readsAfterClose: number;
  /** When the consumer last read a response. */
  lastReadAt: number | null;
  /** Times `whenClosed` resolved (must be 1 at the end). */
  closeNotifications: number;
  /** How its consumer reads (`fast`, `async`, `slow`, `stalled`, `never`, `listen`). */
  readonly consumer: string;
  /** When the consumer read each response. */
  readonly readTimes: number[];
  /** Responses read with TTL ≤ 0 (the lease was gone: the subscription must close instead). */
  zeroTtlReads: number;
}

/** What a unary call (or keepAliveOnce) of the workload returned. */
export type ProbeOutcome =
  | {
      readonly ok: true;
      readonly ttl?: number;
      readonly grantedTTL?: number;
      readonly keys?: readonly string[];
      readonly ids?: readonly bigint[];
    }
  | {
      readonly ok: false;
      /** The `DsimError` code, or null when the error was not a typed one. */
      readonly code: string | null;
      /** The gRPC status it carried, if any. */
      readonly grpcCode: number | null;
      readonly name: string;
    };

/** One call of the workload and how it went. */
export interface ProbeFact {
  readonly index: number;
  readonly kind: "time-to-live" | "leases" | "keep-alive-once" | "grant-too-large";
  /** Lease index in the case. */
  readonly lease: number;
  readonly keys: boolean;
  /** Made in the liveness phase, after every fault healed. */
  readonly afterHeal: boolean;
  readonly startAt: number;
  /** When the caller aborted it before it settled (null: never). */
  abortAt: number | null;
  settledAt: number | null;
  outcome: ProbeOutcome | null;
}

/** The facts of the new per-call, per-gap and per-stream invariants (absolute times, ms). */
export interface RunFacts {
  /** Lease IDs and granted TTLs (s) per lease index. */
  readonly leaseIds: readonly bigint[];
  readonly grantedTtlS: readonly number[];
  /** The key attached to each lease (TimeToLive `keys`). */
  readonly leaseKeys: readonly string[];
  /** Stretches in which some fault disturbed the cluster or the path to it. */
  readonly disruptions: readonly Interval[];
  /** Stretches in which a leader or quorum loss could leave the client's member without a leader. */
  readonly leaderless: readonly Interval[];
  /** When each lease ended at the server (expired or revoked), or undefined. */
  readonly endedAt: (id: bigint) => number | undefined;
  readonly requestTimes: (id: bigint) => readonly number[];
  readonly subscribers: readonly SubscriberFact[];
  readonly probes: readonly ProbeFact[];
  /** One-way latency outside faults. */
  readonly latencyMs: number;
  readonly transportSlackMs: number;
  /** The lessor's send-loop period and the server's expiry-loop period. */
  readonly sendIntervalMs: number;
  readonly revokeIntervalMs: number;
  /** When the workload called `close()`. */
  readonly closedAt: number;
}

/** A stretch of time in which no member saw a leader while every member was up. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** Everything the lease invariants judge. */
export interface LeaseFacts {
  /** Per lease index. */
  readonly ttlMs: readonly number[];
  readonly leaseIds: readonly bigint[];
  /** When the workload revoked each lease (null: never). */
  readonly revokedAt: readonly (number | null)[];
  /** Leases whose every fault was short enough that it must never expire. */
  readonly protectedLeases: ReadonlySet<number>;
  readonly subscribers: readonly SubscriberFact[];
  /** Server: every keep-alive request time per lease ID. */
  readonly requestTimes: (id: bigint) => readonly number[];
  /** Server: leases that ended, with when and how. */
  readonly serverEnds: readonly {
    readonly id: bigint;
    readonly at: number;
    readonly kind: string;
  }[];
  readonly noLeader: readonly Interval[];
  readonly electionTimeoutMs: number;
  /** Smallest and largest one-way latency of the run. */
  readonly minLatencyMs: number;
  readonly maxLatencyMs: number;
  /** Extra slack for the gRPC transport (connection set-up, reconnects). */
  readonly transportSlackMs: number;
}
