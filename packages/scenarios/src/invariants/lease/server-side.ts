import type { LeaseFacts, LeaseViolation } from "./facts.js";

/**
 * Keep-alive requests per lease ≤ 1 per TTL/3, measured at the server, whatever consumers do —
 * while the lease exists (once it is gone the client cannot know a TTL and the server answers 0).
 */
export function checkRequestRate(facts: LeaseFacts): LeaseViolation | undefined {
  const tolerance = facts.maxLatencyMs - facts.minLatencyMs + 2;
  for (const [i, id] of facts.leaseIds.entries()) {
    const period = (facts.ttlMs[i] as number) / 3;
    const endedAt = facts.serverEnds.find((e) => e.id === id)?.at ?? Number.POSITIVE_INFINITY;
    const times = facts.requestTimes(id).filter((t) => t < endedAt);
    for (let k = 1; k < times.length; k++) {
      const gap = (times[k] as number) - (times[k - 1] as number);
      if (gap < period - tolerance) {
        return {
          invariant: "lease.keepalive-rate",
          message: `lease ${i} got two keep-alive requests ${gap} ms apart (TTL/3 = ${period} ms)`,
          details: { lease: i, at: times[k] as number, gapMs: gap, periodMs: period },
        };
      }
    }
  }
  return undefined;
}

/** No keep-alive request reaches the server for a lease while it has no subscriber. */
export function checkNoOrphanRequests(facts: LeaseFacts): LeaseViolation | undefined {
  const slack = facts.maxLatencyMs + facts.transportSlackMs + 1;
  for (const [i, id] of facts.leaseIds.entries()) {
    const subs = facts.subscribers.filter((s) => s.lease === i);
    for (const t of facts.requestTimes(id)) {
      const covered = subs.some(
        (s) => s.startAt <= t && (s.closedAt === null || t <= s.closedAt + slack),
      );
      if (!covered) {
        return {
          invariant: "lease.no-requests-without-subscribers",
          message: `the server got a keep-alive for lease ${i} at ${t} ms while it had no subscriber`,
          details: { lease: i, at: t },
        };
      }
    }
  }
  return undefined;
}

/** A lease kept alive through faults shorter than its TTL never expires at the server. */
export function checkNeverExpires(facts: LeaseFacts): LeaseViolation | undefined {
  for (const i of facts.protectedLeases) {
    const id = facts.leaseIds[i];
    const end = facts.serverEnds.find((e) => e.id === id && e.kind === "expired");
    if (end !== undefined) {
      return {
        invariant: "lease.never-expires-under-short-faults",
        message: `lease ${i} (TTL ${(facts.ttlMs[i] as number) / 1000} s) expired at ${end.at} ms although every fault was shorter than its TTL`,
        details: { lease: i, at: end.at },
      };
    }
  }
  return undefined;
}
