import { MAX_LEASE_TTL } from "@dsim/core";
import fc from "fast-check";

/** One fault of a lease case. Times are virtual ms from the start of the run. */
export type LeaseFault =
  /** The leader is cut off from its peers for `durationMs` (it steps down; the rest re-elect). */
  | { readonly at: number; readonly kind: "leader-loss"; readonly durationMs: number }
  /** Every member is cut off for `durationMs`: no leader anywhere. */
  | { readonly at: number; readonly kind: "quorum-loss"; readonly durationMs: number }
  /** The leader hands over to another member (MoveLeader). */
  | { readonly at: number; readonly kind: "leader-change" }
  /** Member `member` is down for `downMs`, then restarts as a follower. */
  | {
      readonly at: number;
      readonly kind: "member-restart";
      readonly member: number;
      readonly downMs: number;
    }
  /** Every member sends GOAWAY (direct transport: its keep-alive streams end with UNAVAILABLE). */
  | { readonly at: number; readonly kind: "goaway" }
  /**
   * Every member refuses new calls and streams (UNAVAILABLE `request timed out`) for `durationMs`;
   * open streams keep working.
   */
  | { readonly at: number; readonly kind: "overload"; readonly durationMs: number }
  /** Every member ends its keep-alive streams with `status` (`ok`: a clean end of stream). */
  | { readonly at: number; readonly kind: "stream-end"; readonly status: StreamEndStatus }
  /** Keep-alive responses are lost with `probability` for `durationMs`. */
  | {
      readonly at: number;
      readonly kind: "drop-responses";
      readonly durationMs: number;
      readonly probability: number;
    }
  /** Keep-alive requests are lost with `probability` for `durationMs`. */
  | {
      readonly at: number;
      readonly kind: "drop-requests";
      readonly durationMs: number;
      readonly probability: number;
    }
  /** The client is cut off for `durationMs`: every keep-alive message lost, streams stay open. */
  | { readonly at: number; readonly kind: "partition"; readonly durationMs: number }
  /** One-way latency becomes `latencyMs` for `durationMs`. */
  | {
      readonly at: number;
      readonly kind: "latency";
      readonly durationMs: number;
      readonly latencyMs: number;
    };

/** The gRPC status a server ends keep-alive streams with in a `stream-end` fault. */
export type StreamEndStatus =
  | "ok"
  | "cancelled"
  | "internal"
  | "unknown"
  | "resource-exhausted"
  | "unavailable";

/**
 * How a subscriber consumes its subscription: `fast` reads every response at once; `async` awaits
 * asynchronous work (`ASYNC_WORK_MS`) after each read; `slow` sleeps 5 s between reads;
 * `stalled` reads a few responses and then never again; `never` never reads; `listen` takes push
 * delivery (`subscription.listen`) and records each response synchronously.
 */
export type Consumer = "fast" | "async" | "slow" | "stalled" | "never" | "listen";

/** Which AbortSignal a caller passes: none, the run's one shared signal, or its own. */
export type SignalMode = "none" | "shared" | "own";

/** One `keepAlive` caller. */
export interface SubscriberPlan {
  /** Index into {@link LeaseCase.leases}. */
  readonly lease: number;
  readonly requireLeader: boolean;
  readonly consumer: Consumer;
  readonly startAt: number;
  /** When the subscriber cancels (its signal aborts), or null for never. */
  readonly cancelAt: number | null;
  /**
   * Subscribers that never cancel may pass the run's shared signal (to `keepAlive` and to every
   * `receive`), as callers that reuse one signal for everything do.
   */
  readonly sharedSignal: boolean;
}

/** A unary call (or `keepAliveOnce`) the workload makes. */
export type ProbeKind = "time-to-live" | "leases" | "keep-alive-once" | "grant-too-large";

/** One call of the workload, judged on its own against the server's health at the time. */
export interface ProbePlan {
  readonly at: number;
  readonly kind: ProbeKind;
  /** Index into {@link LeaseCase.leases} (ignored by `leases` and `grant-too-large`). */
  readonly lease: number;
  /** TimeToLive: also ask for the attached keys. */
  readonly keys: boolean;
  readonly signal: SignalMode;
  /** With an own signal: abort it this long after the call (null: never). */
  readonly abortAfter: number | null;
}

/** One lease of a case. */
export interface LeasePlan {
  /** Requested TTL in seconds. */
  readonly ttl: number;
  /**
   * A plain (not require-leader) subscriber that keeps the lease alive from t=0 and never cancels:
   * the lease the "never expires under short faults" invariant is about.
   */
  readonly anchored: boolean;
  /** How the anchor subscriber consumes. */
  readonly anchorConsumer: Consumer;
  /** When the workload revokes it, or null. */
  readonly revokeAt: number | null;
}

/** One generated case of the `lease` suite. */
export interface LeaseCase {
  readonly members: 1 | 3 | 5;
  /** Raft election timeout (ms): 1000 (etcd's default, min TTL 2 s) or 500 (min TTL 1 s). */
  readonly electionTimeoutMs: 1000 | 500;
  /** `direct`: in-process transport; `grpc`: the real client stack over the fake gRPC transport. */
  readonly transport: "direct" | "grpc";
  /** One-way latency in ms (direct transport). */
  readonly latencyMs: number;
  readonly leases: readonly LeasePlan[];
  readonly subscribers: readonly SubscriberPlan[];
  readonly faults: readonly LeaseFault[];
  readonly probes: readonly ProbePlan[];
}

/** Faults start within this window. */
export const FAULT_WINDOW_MS = 40_000;

const at = fc.integer({ min: 0, max: FAULT_WINDOW_MS });
// Mostly short faults (the "shorter than the TTL" premise), sometimes long ones (expiry, deadlines).
const duration = fc.oneof(
  { arbitrary: fc.integer({ min: 100, max: 3000 }), weight: 3 },
  { arbitrary: fc.integer({ min: 3000, max: 30_000 }), weight: 1 },
);

const faultArb: fc.Arbitrary<LeaseFault> = fc.oneof(
  fc.record({ at, kind: fc.constant("leader-loss" as const), durationMs: duration }),
  fc.record({ at, kind: fc.constant("quorum-loss" as const), durationMs: duration }),
  fc.record({ at, kind: fc.constant("leader-change" as const) }),
  fc.record({
    at,
    kind: fc.constant("member-restart" as const),
    member: fc.nat(4),
    downMs: duration,
  }),
  fc.record({ at, kind: fc.constant("goaway" as const) }),
  fc.record({ at, kind: fc.constant("overload" as const), durationMs: duration }),
  fc.record({
    at,
    kind: fc.constant("stream-end" as const),
    status: fc.constantFrom<StreamEndStatus>(
      "ok",
      "cancelled",
      "internal",
      "unknown",
      "resource-exhausted",
      "unavailable",
    ),
  }),
  fc.record({
    at,
    kind: fc.constant("drop-responses" as const),
    durationMs: duration,
    probability: fc.constantFrom(0.3, 0.7, 1),
  }),
  fc.record({
    at,
    kind: fc.constant("drop-requests" as const),
    durationMs: duration,
    probability: fc.constantFrom(0.3, 0.7, 1),
  }),
  fc.record({ at, kind: fc.constant("partition" as const), durationMs: duration }),
  fc.record({
    at,
    kind: fc.constant("latency" as const),
    durationMs: duration,
    latencyMs: fc.integer({ min: 20, max: 300 }),
  }),
);

/**
 * TTLs from the 1–2 s range (where rounding and the 500 ms send tick decide whether a lease
 * survives) through the usual seconds to days, months and etcd's maximum, with the ones whose
 * TTL or TTL/3 in ms straddle the 2^31−1 ms timer limit.
 */
export const EXTREME_TTLS: readonly number[] = [
  86_400,
  30 * 86_400,
  2_147_483,
  2_147_484,
  6_442_450,
  6_442_451,
  MAX_LEASE_TTL,
];

const consumerArb = fc.constantFrom<Consumer>(
  "fast",
  "async",
  "slow",
  "stalled",
  "never",
  "listen",
);

const leaseArb: fc.Arbitrary<LeasePlan> = fc.record({
  ttl: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 2 }), weight: 2 },
    { arbitrary: fc.integer({ min: 3, max: 12 }), weight: 4 },
    { arbitrary: fc.integer({ min: 12, max: 30 }), weight: 2 },
    { arbitrary: fc.constantFrom(...EXTREME_TTLS), weight: 1 },
  ),
  anchored: fc.boolean(),
  anchorConsumer: consumerArb,
  revokeAt: fc.option(fc.integer({ min: 1000, max: 50_000 }), { nil: null, freq: 4 }),
});

function subscriberArb(leases: number): fc.Arbitrary<SubscriberPlan> {
  return fc
    .record({
      lease: fc.nat(leases - 1),
      requireLeader: fc.boolean(),
      consumer: consumerArb,
      startAt: fc.integer({ min: 0, max: 45_000 }),
      cancelAfter: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: null }),
      sharedSignal: fc.boolean(),
    })
    .map(({ cancelAfter, sharedSignal, ...rest }) => ({
      ...rest,
      cancelAt: cancelAfter === null ? null : rest.startAt + cancelAfter,
      sharedSignal: sharedSignal && cancelAfter === null,
    }));
}

/**
 * Calls at any time, and half of them aimed just after a fault starts, so that calls overlap the
 * faults they must survive or be judged by (not only when luck puts them there).
 */
function probeArb(leases: number, faults: readonly LeaseFault[]): fc.Arbitrary<ProbePlan> {
  const anyTime = fc.integer({ min: 0, max: FAULT_WINDOW_MS + 10_000 });
  const at =
    faults.length === 0
      ? anyTime
      : fc.oneof(
          anyTime,
          fc
            .tuple(fc.nat(faults.length - 1), fc.integer({ min: 0, max: 1500 }))
            .map(([i, d]) => (faults[i] as LeaseFault).at + d),
        );
  return fc
    .record({
      at,
      kind: fc.constantFrom<ProbeKind>(
        "time-to-live",
        "leases",
        "keep-alive-once",
        "keep-alive-once",
        "grant-too-large",
      ),
      lease: fc.nat(leases - 1),
      keys: fc.boolean(),
      signal: fc.constantFrom<SignalMode>("none", "shared", "own"),
      abortAfter: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }),
    })
    .map((p) => ({ ...p, abortAfter: p.signal === "own" ? p.abortAfter : null }));
}

/** Generates cases; shrinking makes fault lists shorter, faults earlier and shorter. */
export const leaseCaseArbitrary: fc.Arbitrary<LeaseCase> = fc
  .record({
    members: fc.constantFrom<1 | 3 | 5>(1, 3, 5),
    electionTimeoutMs: fc.constantFrom<1000 | 500>(1000, 1000, 500),
    transport: fc.constantFrom<"direct" | "grpc">("direct", "direct", "grpc"),
    latencyMs: fc.integer({ min: 1, max: 20 }),
    leases: fc.array(leaseArb, { minLength: 1, maxLength: 3 }),
  })
  .chain((base) =>
    fc.record({
      members: fc.constant(base.members),
      electionTimeoutMs: fc.constant(base.electionTimeoutMs),
      transport: fc.constant(base.transport),
      latencyMs: fc.constant(base.latencyMs),
      leases: fc.constant(base.leases),
      subscribers: fc.array(subscriberArb(base.leases.length), { maxLength: 5 }),
      faults: fc.array(faultArb, { maxLength: 4 }),
    }),
  )
  .chain((c) =>
    fc
      .array(probeArb(c.leases.length, c.faults), { maxLength: 6 })
      .map((probes): LeaseCase => ({ ...c, probes })),
  );

/** The end of the last fault's direct effect (ms). */
export function faultsEnd(faults: readonly LeaseFault[]): number {
  let end = 0;
  for (const f of faults) {
    const length = "durationMs" in f ? f.durationMs : f.kind === "member-restart" ? f.downMs : 0;
    end = Math.max(end, f.at + length);
  }
  return end;
}
