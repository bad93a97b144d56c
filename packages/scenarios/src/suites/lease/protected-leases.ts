import type { LeaseCase, LeaseFault } from "./lease-case.js";

/** How long a fault disturbs keep-alives, from its start (ms). */
export function disruptionMs(
  fault: LeaseFault,
  testCase: LeaseCase,
  electionTimeoutMs: number,
): number {
  const grpc = testCase.transport === "grpc";
  switch (fault.kind) {
    case "leader-loss":
    case "quorum-loss":
      return fault.durationMs + 2 * electionTimeoutMs;
    case "leader-change":
      return 0;
    case "member-restart":
      // Over gRPC the channel also waits out its reconnect backoff.
      return grpc
        ? 2 * fault.downMs + 2 * electionTimeoutMs + 3000
        : fault.downMs + 2 * electionTimeoutMs;
    case "goaway":
    case "stream-end":
      return grpc ? 3000 : 1000;
    case "drop-responses":
    case "drop-requests":
    case "partition":
      return fault.durationMs;
    case "overload":
      // A stream that must reopen during the overload is refused until it ends.
      return fault.durationMs + (grpc ? 3000 : 1000);
    case "latency":
      return fault.durationMs + fault.latencyMs;
  }
}

/**
 * The stretches in which some fault disturbs the cluster or the client's path to it, merged and
 * sorted: everything outside them is healthy (a leader, the base latency, nothing dropped).
 */
export function disruptionWindows(
  testCase: LeaseCase,
  electionTimeoutMs: number,
): { start: number; end: number }[] {
  const windows = testCase.faults
    .map((f) => ({ start: f.at, end: f.at + disruptionMs(f, testCase, electionTimeoutMs) }))
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const w of windows) {
    const last = merged.at(-1);
    if (last !== undefined && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else merged.push({ ...w });
  }
  return merged;
}

/** The largest one-way latency a case can have. */
export function maxLatencyMs(testCase: LeaseCase): number {
  let max = testCase.latencyMs;
  for (const f of testCase.faults) if (f.kind === "latency") max = Math.max(max, f.latencyMs);
  return max;
}

/**
 * The leases that must never expire: anchored, never revoked, and every fault short against the
 * TTL (disruption + 2·TTL/3 + 2 s + 4·latency ≤ TTL: the last response before the fault may be
 * TTL/3 old, and the first request after it may wait another TTL/3) with at least one TTL between
 * two disruptions.
 */
export function protectedLeases(
  testCase: LeaseCase,
  electionTimeoutMs: number,
  minTtlS: number,
): Set<number> {
  const out = new Set<number>();
  const latency = maxLatencyMs(testCase);
  const windows = testCase.faults
    .map((f) => ({ start: f.at, end: f.at + disruptionMs(f, testCase, electionTimeoutMs) }))
    .sort((a, b) => a.start - b.start);
  for (const [i, lease] of testCase.leases.entries()) {
    if (!lease.anchored || lease.revokeAt !== null) continue;
    const ttl = Math.max(lease.ttl, minTtlS) * 1000;
    let ok = true;
    let lastEnd = Number.NEGATIVE_INFINITY;
    for (const w of windows) {
      if (w.end - w.start + (2 * ttl) / 3 + 2000 + 4 * latency > ttl) ok = false;
      if (w.start - lastEnd < ttl) ok = false;
      lastEnd = Math.max(lastEnd, w.end);
    }
    if (ok) out.add(i);
  }
  return out;
}
