import type { LeaseViolation, RunFacts } from "./facts.js";

/**
 * `lease.no-ttl-zero-delivered`: a keep-alive answered with TTL ≤ 0 means the lease is gone; the
 * lessor closes the lease's subscriptions instead of handing the answer on (clientv3's
 * `recvKeepAlive`), so no consumer ever reads a TTL ≤ 0 response.
 */
export function checkNoTtlZeroDelivered(facts: RunFacts): LeaseViolation | undefined {
  const s = facts.subscribers.find((f) => f.zeroTtlReads > 0);
  if (s === undefined) return undefined;
  return {
    invariant: "lease.no-ttl-zero-delivered",
    message: `subscriber ${s.index} of lease ${s.lease} read ${s.zeroTtlReads} keep-alive response(s) with TTL <= 0`,
    details: { subscriber: s.index, reads: s.zeroTtlReads },
  };
}

/**
 * `lease.no-leader-close-needs-no-leader`: a require-leader subscriber closes with `no-leader` only
 * when the server said so — while a leader loss or quorum loss kept its member without a leader —
 * never on other stream failures (GOAWAY, restarts, other statuses).
 */
export function checkNoLeaderCloseNeedsNoLeader(facts: RunFacts): LeaseViolation | undefined {
  for (const s of facts.subscribers) {
    if (s.reason !== "no-leader" || s.closedAt === null) continue;
    const at = s.closedAt;
    if (facts.leaderless.some((w) => w.start <= at && at <= w.end)) continue;
    return {
      invariant: "lease.no-leader-close-needs-no-leader",
      message: `require-leader subscriber ${s.index} closed as no-leader at ${at} ms, outside every leader or quorum loss`,
      details: { subscriber: s.index, at },
    };
  }
  return undefined;
}
