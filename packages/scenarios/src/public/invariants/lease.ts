import type { LeaseFacts } from "../../invariants/lease/facts.js";
import { checkNeverExpires, checkRequestRate } from "../../invariants/lease/server-side.js";
import { listOf, type Violation } from "./violation.js";

/** One lease as the server saw it. */
export interface ObservedLease {
  /** The lease ID (any id unique in the run). */
  readonly id: bigint;
  /** Its TTL in ms. */
  readonly ttlMs: number;
  /** Virtual ms of every keep-alive request the server received for it. */
  readonly keepAlives: readonly number[];
  /** When the server expired it, if it did. */
  readonly expiredAt?: number;
  /** When it was revoked, if it was (requests after that are not judged). */
  readonly revokedAt?: number;
}

/** How long requests take on the way to the server, for the rate rule's tolerance. */
export interface LatencyRange {
  readonly minMs: number;
  readonly maxMs: number;
}

function leaseFacts(
  leases: readonly ObservedLease[],
  latency: LatencyRange,
  protectedLeases: ReadonlySet<number> = new Set(),
): LeaseFacts {
  const serverEnds = leases.flatMap((lease) => [
    ...(lease.expiredAt === undefined
      ? []
      : [{ id: lease.id, at: lease.expiredAt, kind: "expired" }]),
    ...(lease.revokedAt === undefined
      ? []
      : [{ id: lease.id, at: lease.revokedAt, kind: "revoked" }]),
  ]);
  return {
    ttlMs: leases.map((lease) => lease.ttlMs),
    leaseIds: leases.map((lease) => lease.id),
    revokedAt: leases.map((lease) => lease.revokedAt ?? null),
    protectedLeases,
    subscribers: [],
    requestTimes: (id) => leases.find((lease) => lease.id === id)?.keepAlives ?? [],
    serverEnds,
    noLeader: [],
    electionTimeoutMs: 0,
    minLatencyMs: latency.minMs,
    maxLatencyMs: latency.maxMs,
    transportSlackMs: 0,
  };
}

/**
 * `lease.keepalive-rate`: the server receives at most one keep-alive per lease per TTL/3 (less
 * the latency spread), whatever the application does — a client that hammers a lease, or
 * retries keep-alives in a tight loop, fails it.
 */
export function checkKeepAliveRate(
  leases: readonly ObservedLease[],
  latency: LatencyRange = { minMs: 0, maxMs: 0 },
): Violation[] {
  return listOf(checkRequestRate(leaseFacts(leases, latency)));
}

/**
 * `lease.never-expires-under-short-faults`: a lease whose longest fault (outage, partition,
 * leader loss) was shorter than its TTL never expires at the server.
 *
 * @param longestFaultMs - per lease ID, the longest stretch the lease could not be renewed.
 */
export function checkNoExpiryUnderShortFaults(
  leases: readonly ObservedLease[],
  longestFaultMs: (id: bigint) => number,
): Violation[] {
  const protectedLeases = new Set<number>();
  for (const [index, lease] of leases.entries()) {
    if (longestFaultMs(lease.id) < lease.ttlMs) protectedLeases.add(index);
  }
  return listOf(checkNeverExpires(leaseFacts(leases, { minMs: 0, maxMs: 0 }, protectedLeases)));
}

/**
 * `lease.prompt-loss-report`: once the server ended a lease (expired or revoked), the application
 * learns it within `boundMs`. The default follows etcd's client lessor (shared/reference
 * etcd-lease.md): a lease's deadline is its last acknowledgement + TTL, checked every 1 s, and the
 * server expires it TTL after its last renewal — so an expiry is reported within about 1 s plus a
 * one-way latency; a revocation is seen on the next keep-alive, within TTL/3 plus a round trip.
 * Hence TTL/3 + 1 s after the server-side end. `reportedAt` is when the client told the
 * application the lease was lost (an event, a closed stream, an error).
 */
export function checkPromptLossReport(
  leases: readonly ObservedLease[],
  reportedAt: (id: bigint) => number | undefined,
  boundMs: (lease: ObservedLease) => number = (lease) => lease.ttlMs / 3 + 1_000,
): Violation[] {
  const violations: Violation[] = [];
  for (const lease of leases) {
    const ends = [lease.expiredAt, lease.revokedAt].filter((t): t is number => t !== undefined);
    if (ends.length === 0) continue;
    const endedAt = Math.min(...ends);
    const deadline = endedAt + boundMs(lease);
    const reported = reportedAt(lease.id);
    if (reported === undefined || reported > deadline) {
      violations.push({
        invariant: "lease.prompt-loss-report",
        message: `lease ${lease.id} ended at the server at ${endedAt} ms; the application ${
          reported === undefined ? "was never told" : `was told at ${reported} ms`
        } (bound ${deadline} ms)`,
        details: { lease: String(lease.id), endedAt, reportedAt: reported ?? null, deadline },
      });
    }
  }
  return violations;
}
