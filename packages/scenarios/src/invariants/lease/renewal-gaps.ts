import type { LeaseViolation, RunFacts } from "./facts.js";
import { firstLongWait, healthyParts, unionOf } from "./timeline.js";
import { ASYNC_WORK_MS } from "./work.js";

/**
 * The longest a due renewal may wait while the server is healthy: TTL/3 after the last response,
 * plus one send-loop period (the lessor re-checks every 500 ms), plus the round trip.
 */
export function renewalBoundMs(facts: RunFacts, ttlS: number): number {
  return (
    (ttlS * 1000) / 3 + facts.sendIntervalMs + 2 * facts.latencyMs + facts.transportSlackMs + 1
  );
}

/**
 * Keep-alive requests per lease are not only not too frequent (`lease.keepalive-rate`) but also not
 * too sparse: while a lease has an open subscriber, still exists at the server, and nothing
 * disturbs the cluster, the server sees a request at least every TTL/3 + 500 ms + round trip —
 * whatever the subscribers' consumers do (fast, slow, stalled or never reading).
 */
export function checkRenewalGaps(facts: RunFacts): LeaseViolation | undefined {
  for (const [i, id] of facts.leaseIds.entries()) {
    const ttlS = facts.grantedTtlS[i] as number;
    const bound = renewalBoundMs(facts, ttlS);
    const end = Math.min(facts.endedAt(id) ?? Number.POSITIVE_INFINITY, facts.closedAt);
    const open = unionOf(
      facts.subscribers
        .filter((s) => s.lease === i)
        .map((s) => ({ start: s.startAt, end: Math.min(s.closedAt ?? end, end) })),
    );
    const times = facts.requestTimes(id);
    for (const span of healthyParts(facts, open)) {
      const wait = firstLongWait(span, times, bound);
      if (wait === undefined) continue;
      return {
        invariant: "lease.renewal-gap-bound",
        message: `lease ${i} (TTL ${ttlS} s) had an open subscriber and a healthy server but no keep-alive request from ${wait.since} ms to ${wait.next ?? span.end} ms (bound ${bound} ms)`,
        details: { lease: i, since: wait.since, next: wait.next, boundMs: bound },
      };
    }
  }
  return undefined;
}

/**
 * A subscriber whose consumer keeps reading (`fast`, `listen`, or `async` with its work per response) gets a
 * response at least every renewal period while its lease lives and the server is healthy: other
 * subscribers that do not keep up (slow, stalled, never reading) must not hold it back.
 */
export function checkDeliveryKeepsUp(facts: RunFacts): LeaseViolation | undefined {
  for (const s of facts.subscribers) {
    if (s.consumer !== "fast" && s.consumer !== "async" && s.consumer !== "listen") continue;
    const id = facts.leaseIds[s.lease] as bigint;
    const ttlS = facts.grantedTtlS[s.lease] as number;
    const bound =
      renewalBoundMs(facts, ttlS) + (s.consumer === "async" ? ASYNC_WORK_MS : 0) + facts.latencyMs;
    const end = Math.min(
      facts.endedAt(id) ?? Number.POSITIVE_INFINITY,
      s.closedAt ?? Number.POSITIVE_INFINITY,
      facts.closedAt,
    );
    for (const span of healthyParts(facts, [{ start: s.startAt, end }])) {
      const wait = firstLongWait(span, s.readTimes, bound);
      if (wait === undefined) continue;
      return {
        invariant: "lease.delivery-keeps-up",
        message: `subscriber ${s.index} (${s.consumer} consumer, lease ${s.lease}, TTL ${ttlS} s) received nothing from ${wait.since} ms to ${wait.next ?? span.end} ms while its lease lived and the server was healthy (bound ${bound} ms)`,
        details: { subscriber: s.index, since: wait.since, next: wait.next, boundMs: bound },
      };
    }
  }
  return undefined;
}
