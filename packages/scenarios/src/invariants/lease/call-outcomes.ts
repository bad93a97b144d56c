import type { LeaseViolation, ProbeFact, RunFacts } from "./facts.js";
import { healthyDuring } from "./timeline.js";

/** How long a call may take against a healthy server: one round trip plus transport slack. */
export function callBoundMs(facts: RunFacts): number {
  return 2 * facts.latencyMs + facts.transportSlackMs + 5;
}

function violation(
  invariant: string,
  p: ProbeFact,
  message: string,
  extra: { readonly [key: string]: string | number | boolean | null } = {},
): LeaseViolation {
  return {
    invariant,
    message: `call ${p.index} (${p.kind}${p.kind === "leases" || p.kind === "grant-too-large" ? "" : ` of lease ${p.lease}`}, made at ${p.startAt} ms) ${message}`,
    details: {
      call: p.index,
      kind: p.kind,
      startAt: p.startAt,
      settledAt: p.settledAt,
      outcome:
        p.outcome === null
          ? null
          : JSON.stringify(p.outcome, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
      ...extra,
    },
  };
}

/**
 * Whether lease `i` (granted before the workload started) still existed at the server at `to`, the
 * expiry loop's lag included.
 */
function aliveUntil(facts: RunFacts, i: number, to: number): boolean {
  const end = facts.endedAt(facts.leaseIds[i] as bigint);
  // An expired lease answers like a gone one for up to one expiry-loop period before it is removed.
  return end === undefined || end > to + facts.revokeIntervalMs;
}

function goneBefore(facts: RunFacts, i: number, at: number): boolean {
  const end = facts.endedAt(facts.leaseIds[i] as bigint);
  return end !== undefined && end < at;
}

/** What a call made against a healthy server must have answered, or why it is wrong. */
function wrongOutcome(facts: RunFacts, p: ProbeFact, to: number): string | undefined {
  const o = p.outcome;
  if (o === null) return undefined;
  const alive = p.kind === "leases" || aliveUntil(facts, p.lease, to);
  const gone = p.kind !== "leases" && goneBefore(facts, p.lease, p.startAt);
  const granted = facts.grantedTtlS[p.lease] as number;
  switch (p.kind) {
    case "grant-too-large":
      // Refused by the server (OUT_OF_RANGE `too large lease TTL`) or up front as bad input.
      return !o.ok && (o.code === "LEASE_TTL_TOO_LARGE" || o.name === "RangeError")
        ? undefined
        : "was not refused with LEASE_TTL_TOO_LARGE or a RangeError";
    case "keep-alive-once":
      if (alive) {
        return o.ok && o.ttl === granted
          ? undefined
          : `did not renew the live lease (TTL ${granted} s)`;
      }
      if (gone) {
        return !o.ok && o.code === "LEASE_NOT_FOUND"
          ? undefined
          : "did not fail with LEASE_NOT_FOUND for a lease the server no longer had";
      }
      return undefined;
    case "time-to-live": {
      if (!o.ok) return "failed against a healthy server";
      if (alive) {
        const keys = p.keys ? [facts.leaseKeys[p.lease] as string] : [];
        if (o.grantedTTL !== granted) return `reported granted TTL ${o.grantedTTL}, not ${granted}`;
        if (o.ttl === undefined || o.ttl < 0 || o.ttl > granted) {
          return `reported TTL ${o.ttl} for a live lease of TTL ${granted} s`;
        }
        if (JSON.stringify(o.keys) !== JSON.stringify(keys)) {
          return `reported keys ${JSON.stringify(o.keys)}, expected ${JSON.stringify(keys)}`;
        }
        return undefined;
      }
      if (gone && o.ttl !== -1)
        return `reported TTL ${o.ttl} for a lease the server no longer had (expected -1)`;
      return undefined;
    }
    case "leases": {
      if (!o.ok || o.ids === undefined) return "failed against a healthy server";
      const ids = new Set(o.ids);
      for (const [i, id] of facts.leaseIds.entries()) {
        if (aliveUntil(facts, i, to) && !ids.has(id)) {
          return `left out live lease ${i}`;
        }
        if (goneBefore(facts, i, p.startAt) && ids.has(id)) return `listed gone lease ${i}`;
      }
      return undefined;
    }
  }
}

/**
 * Every call is judged on its own against the server's health timeline:
 * - `lease.keepalive-once-retries`: keepAliveOnce never fails with a retryable error (UNAVAILABLE,
 *   no leader, INTERNAL) — it retries them;
 * - `lease.call-errors-typed`: a failed call rejects with a typed `DsimError` (a code), never a raw
 *   transport error (bad input may be refused up front with a RangeError/TypeError);
 * - `lease.call-abort-prompt`: a call whose caller aborted it settles at once, as ABORTED;
 * - `lease.call-latency`: a call made while the server is healthy settles within one round trip —
 *   it must not wait on unrelated work in flight (another call's retries, the keep-alive stream);
 * - `lease.call-outcome-when-healthy`: and it answers what the server holds: keepAliveOnce renews a
 *   live lease and fails LEASE_NOT_FOUND for a gone one, TimeToLive reports the granted TTL and
 *   keys (−1 once gone), Leases lists the live leases, an over-large TTL is refused — no error
 *   from before a heal, no stale state.
 */
export function checkCallOutcomes(facts: RunFacts): LeaseViolation | undefined {
  const bound = callBoundMs(facts);
  for (const p of facts.probes) {
    const o = p.outcome;
    const badInput = o !== null && !o.ok && (o.name === "RangeError" || o.name === "TypeError");
    if (o !== null && !o.ok && o.code === null && !badInput) {
      return violation("lease.call-errors-typed", p, `rejected with an untyped ${o.name}`);
    }
    if (
      p.kind === "keep-alive-once" &&
      o !== null &&
      !o.ok &&
      (o.code === "LEASE_UNAVAILABLE" || o.code === "LEASE_NO_LEADER" || o.grpcCode === 13)
    ) {
      // The reference: keepAliveOnce retries UNAVAILABLE and INTERNAL; only the caller, close()
      // or another status ends it.
      return violation(
        "lease.keepalive-once-retries",
        p,
        `gave up with a retryable error (${o.code}, gRPC ${o.grpcCode})`,
      );
    }
    if (p.abortAt !== null) {
      const prompt = facts.transportSlackMs + 1;
      if (p.settledAt === null || p.settledAt > p.abortAt + prompt) {
        return violation(
          "lease.call-abort-prompt",
          p,
          `was aborted at ${p.abortAt} ms but settled ${p.settledAt === null ? "never" : `at ${p.settledAt} ms`}`,
          { abortAt: p.abortAt },
        );
      }
      if (o !== null && (o.ok || o.code !== "ABORTED")) {
        return violation(
          "lease.call-abort-prompt",
          p,
          "was aborted by its caller but did not reject as ABORTED",
          { abortAt: p.abortAt },
        );
      }
      continue;
    }
    const to = p.startAt + bound;
    if (to >= facts.closedAt || !healthyDuring(facts, p.startAt, to)) continue;
    if (p.settledAt === null || p.settledAt > to) {
      return violation(
        "lease.call-latency",
        p,
        `against a healthy server had not settled ${bound} ms later`,
        { boundMs: bound },
      );
    }
    const wrong = wrongOutcome(facts, p, to);
    if (wrong !== undefined) return violation("lease.call-outcome-when-healthy", p, wrong);
  }
  return undefined;
}
