import type { LeaseFacts, LeaseViolation } from "./facts.js";

/** The per-subscriber buffer limit of clientv3. */
export const RESPONSE_BUFFER = 16;

/** A subscriber never holds more than 16 responses. */
export function checkBufferBound(facts: LeaseFacts): LeaseViolation | undefined {
  const s = facts.subscribers.find((f) => f.maxBuffered > RESPONSE_BUFFER);
  if (s === undefined) return undefined;
  return {
    invariant: "lease.subscriber-buffer-bound",
    message: `subscriber ${s.index} held ${s.maxBuffered} responses (limit ${RESPONSE_BUFFER})`,
    details: { subscriber: s.index, buffered: s.maxBuffered },
  };
}

/** A subscription closes exactly once and delivers nothing after what it had buffered. */
export function checkCloseOnce(facts: LeaseFacts): LeaseViolation | undefined {
  for (const s of facts.subscribers) {
    const problem =
      s.closeNotifications !== 1
        ? `closed ${s.closeNotifications} times`
        : s.reasonChanged
          ? "changed its close reason"
          : s.grewAfterClose
            ? "received responses after it closed"
            : s.readsAfterClose > s.bufferedAtClose
              ? `delivered ${s.readsAfterClose} responses after closing with ${s.bufferedAtClose} buffered`
              : undefined;
    if (problem !== undefined) {
      return {
        invariant: "lease.close-exactly-once",
        message: `subscriber ${s.index} ${problem}`,
        details: { subscriber: s.index, reason: s.reason },
      };
    }
  }
  return undefined;
}

/** Cancelling one subscriber affects no other; only require-leader subscribers close on no-leader. */
export function checkIsolation(facts: LeaseFacts): LeaseViolation | undefined {
  for (const s of facts.subscribers) {
    if (s.reason === "cancelled" && s.cancelledAt === null) {
      return {
        invariant: "lease.cancel-affects-no-other",
        message: `subscriber ${s.index} closed as cancelled at ${s.closedAt} ms but nobody cancelled it`,
        details: { subscriber: s.index, at: s.closedAt },
      };
    }
    if (s.reason === "no-leader" && !s.requireLeader) {
      return {
        invariant: "lease.no-leader-closes-only-require-leader",
        message: `subscriber ${s.index} did not ask for require-leader but closed on no-leader`,
        details: { subscriber: s.index, at: s.closedAt },
      };
    }
  }
  return undefined;
}

/** On a long no-leader stretch, require-leader subscribers close (the others are checked above). */
export function checkRequireLeaderCloses(facts: LeaseFacts): LeaseViolation | undefined {
  const et = facts.electionTimeoutMs;
  const bound = 4 * et + 1000 + 2 * facts.maxLatencyMs + facts.transportSlackMs;
  for (const interval of facts.noLeader) {
    if (interval.end - interval.start < bound) continue;
    for (const s of facts.subscribers) {
      if (!s.requireLeader || s.startAt > interval.start) continue;
      if (s.closedAt !== null && s.closedAt <= interval.start + bound) continue;
      if (s.cancelledAt !== null && s.cancelledAt <= interval.start + bound) continue;
      return {
        invariant: "lease.require-leader-closes-on-no-leader",
        message: `require-leader subscriber ${s.index} was still open ${bound} ms into a no-leader stretch starting at ${interval.start} ms`,
        details: { subscriber: s.index, start: interval.start, end: interval.end },
      };
    }
  }
  return undefined;
}

/** The lessor's deadline for a first response (clientv3 `defaultTTL`) and its deadline-loop period. */
const FIRST_KEEPALIVE_TIMEOUT_MS = 5000;
const DEADLINE_INTERVAL_MS = 1000;

/**
 * After a lease expires or is revoked at the server, its subscriptions close within TTL + 1 s — or,
 * when no response could arrive since the subscription started, by its first deadline (now +
 * max(first-keep-alive timeout, TTL), checked every 1 s, strictly after it passed).
 */
export function checkCloseAfterLeaseEnd(facts: LeaseFacts): LeaseViolation | undefined {
  for (const end of facts.serverEnds) {
    const lease = facts.leaseIds.indexOf(end.id);
    if (lease < 0) continue;
    const ttl = facts.ttlMs[lease] as number;
    const slack = 2 * facts.maxLatencyMs + facts.transportSlackMs;
    for (const s of facts.subscribers) {
      if (s.lease !== lease || s.startAt > end.at) continue;
      const firstDeadline =
        s.startAt + Math.max(FIRST_KEEPALIVE_TIMEOUT_MS, ttl) + 2 * DEADLINE_INTERVAL_MS;
      const bound = Math.max(end.at + ttl + 1000, firstDeadline) + slack;
      if (s.closedAt !== null && s.closedAt <= bound) continue;
      return {
        invariant: "lease.subscriptions-close-after-lease-ends",
        message: `lease ${lease} ${end.kind} at ${end.at} ms but subscriber ${s.index} was still open at ${bound} ms`,
        details: { lease, subscriber: s.index, endedAt: end.at, bound },
      };
    }
  }
  return undefined;
}

/** Under short faults, the anchor subscriber of a protected lease never closes (stream errors are transient). */
export function checkAnchorsSurvive(facts: LeaseFacts): LeaseViolation | undefined {
  for (const s of facts.subscribers) {
    if (!s.anchored || !facts.protectedLeases.has(s.lease)) continue;
    if (s.reason !== null && s.reason !== "halted") {
      return {
        invariant: "lease.transient-errors-never-end-keepalive",
        message: `anchor subscriber ${s.index} of lease ${s.lease} closed (${s.reason}) at ${s.closedAt} ms under short faults only`,
        details: { subscriber: s.index, reason: s.reason, at: s.closedAt },
      };
    }
  }
  return undefined;
}
