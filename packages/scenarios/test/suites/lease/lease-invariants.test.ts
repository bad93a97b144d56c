import { describe, expect, it } from "vitest";
import {
  checkCallOutcomes,
  checkDeliveryKeepsUp,
  checkRenewalGaps,
  checkSharedStreamLeftAlone,
  checkSharedStreamRequiresLeader,
  LeaseModelAudit,
  type ProbeFact,
  type RunFacts,
  type SubscriberFact,
} from "../../../src/invariants/lease/index.js";

function subscriber(over: Partial<SubscriberFact> = {}): SubscriberFact {
  return {
    index: 0,
    lease: 0,
    requireLeader: false,
    anchored: true,
    startAt: 0,
    cancelledAt: null,
    closedAt: null,
    reason: null,
    reasonChanged: false,
    maxBuffered: 0,
    bufferedAtClose: 0,
    grewAfterClose: false,
    readsAfterClose: 0,
    lastReadAt: null,
    closeNotifications: 1,
    consumer: "fast",
    readTimes: [],
    zeroTtlReads: 0,
    ...over,
  };
}

function facts(over: Partial<RunFacts> = {}): RunFacts {
  return {
    leaseIds: [1n],
    grantedTtlS: [3],
    leaseKeys: ["lease-0"],
    disruptions: [],
    leaderless: [],
    endedAt: () => undefined,
    requestTimes: () => [],
    subscribers: [subscriber()],
    probes: [],
    latencyMs: 10,
    transportSlackMs: 0,
    sendIntervalMs: 500,
    revokeIntervalMs: 500,
    closedAt: 10_000,
    ...over,
  };
}

// TTL 3 s: renewals due every 1 s, at most 1 s + 500 ms tick + 20 ms round trip + 1 apart.
const every = (step: number, until: number) =>
  Array.from({ length: Math.floor(until / step) }, (_, i) => (i + 1) * step);

describe("lease renewal gaps", () => {
  it("accepts renewals every TTL/3 and flags a gap longer than TTL/3 + tick + round trip", () => {
    expect(checkRenewalGaps(facts({ requestTimes: () => every(1500, 10_000) }))).toBeUndefined();
    const slow = checkRenewalGaps(facts({ requestTimes: () => every(1600, 10_000) }));
    expect(slow?.invariant).toBe("lease.renewal-gap-bound");
  });

  it("does not judge gaps inside a disruption or after the lease ended at the server", () => {
    const gap = [1000, 2000, 7000, 8000, 9000];
    expect(checkRenewalGaps(facts({ requestTimes: () => gap }))?.invariant).toBe(
      "lease.renewal-gap-bound",
    );
    expect(
      checkRenewalGaps(
        facts({ requestTimes: () => gap, disruptions: [{ start: 2500, end: 6000 }] }),
      ),
    ).toBeUndefined();
    expect(
      checkRenewalGaps(facts({ requestTimes: () => [1000, 2000], endedAt: () => 2100 })),
    ).toBeUndefined();
  });

  it("requires a reading consumer to receive at the renewal pace", () => {
    const reads = subscriber({ readTimes: every(1000, 4000), closedAt: 9000 });
    expect(checkDeliveryKeepsUp(facts({ subscribers: [reads] }))?.invariant).toBe(
      "lease.delivery-keeps-up",
    );
    const never = subscriber({ consumer: "never", closedAt: 9000 });
    expect(checkDeliveryKeepsUp(facts({ subscribers: [never] }))).toBeUndefined();
  });
});

function probe(over: Partial<ProbeFact>): ProbeFact {
  return {
    index: 0,
    kind: "keep-alive-once",
    lease: 0,
    keys: false,
    afterHeal: false,
    startAt: 1000,
    abortAt: null,
    settledAt: 1020,
    outcome: { ok: true, ttl: 3 },
    ...over,
  };
}

describe("lease per-call outcomes", () => {
  it("accepts a prompt renewal of a live lease and flags a slow one", () => {
    expect(checkCallOutcomes(facts({ probes: [probe({})] }))).toBeUndefined();
    expect(checkCallOutcomes(facts({ probes: [probe({ settledAt: 1600 })] }))?.invariant).toBe(
      "lease.call-latency",
    );
  });

  it("wants LEASE_NOT_FOUND for a gone lease and never a retryable error", () => {
    const gone = facts({ endedAt: () => 500 });
    expect(checkCallOutcomes({ ...gone, probes: [probe({})] })?.invariant).toBe(
      "lease.call-outcome-when-healthy",
    );
    const notFound = probe({
      outcome: { ok: false, code: "LEASE_NOT_FOUND", grpcCode: 5, name: "LeaseNotFoundError" },
    });
    expect(checkCallOutcomes({ ...gone, probes: [notFound] })).toBeUndefined();
    const unavailable = probe({
      startAt: 1000,
      outcome: {
        ok: false,
        code: "LEASE_UNAVAILABLE",
        grpcCode: 14,
        name: "LeaseUnavailableError",
      },
    });
    expect(
      checkCallOutcomes(facts({ probes: [unavailable], disruptions: [{ start: 0, end: 5000 }] }))
        ?.invariant,
    ).toBe("lease.keepalive-once-retries");
  });

  it("wants an aborted call to settle at once as ABORTED", () => {
    const aborted = { ok: false as const, code: "ABORTED", grpcCode: null, name: "DsimError" };
    const prompt = probe({ abortAt: 1005, settledAt: 1005, outcome: aborted });
    expect(checkCallOutcomes(facts({ probes: [prompt] }))).toBeUndefined();
    const late = probe({ abortAt: 1005, settledAt: 1500, outcome: aborted });
    expect(checkCallOutcomes(facts({ probes: [late] }))?.invariant).toBe("lease.call-abort-prompt");
  });
});

describe("lease shared stream", () => {
  const stream = { openedAt: 0, requireLeader: true, requests: 5 };
  it("flags a shared stream the lessor cancelled on its own before close", () => {
    const ended = { ...stream, abortedAt: 3000, abortedWhileOpen: false, endedAt: 2990 };
    expect(checkSharedStreamLeftAlone([ended], 10_000)).toBeUndefined();
    const atClose = { ...stream, abortedAt: 10_000, abortedWhileOpen: true, endedAt: 10_000 };
    expect(checkSharedStreamLeftAlone([atClose], 10_000)).toBeUndefined();
    const reset = { ...stream, abortedAt: 3000, abortedWhileOpen: true, endedAt: 3000 };
    expect(checkSharedStreamLeftAlone([reset], 10_000)?.invariant).toBe(
      "lease.shared-stream-left-alone",
    );
  });

  it("flags renewals carried on a stream without require-leader", () => {
    const plain = {
      ...stream,
      requireLeader: false,
      abortedAt: null,
      abortedWhileOpen: false,
      endedAt: null,
    };
    expect(checkSharedStreamRequiresLeader([plain])?.invariant).toBe(
      "lease.shared-stream-requires-leader",
    );
    expect(checkSharedStreamRequiresLeader([{ ...plain, requests: 1 }])).toBeUndefined();
  });
});

describe("lease model audit of the fake etcd", () => {
  it("accepts etcd's leader-loss rule and flags an expiry while no member leads", () => {
    const ok = new LeaseModelAudit(0, 1000, 500);
    ok.onLeaseEvent({ kind: "grant", at: 100, id: 7n, ttl: 2 });
    ok.onLeaseEvent({ kind: "demote", at: 1000 });
    ok.onLeaseEvent({ kind: "promote", at: 5000 });
    // Frozen while leaderless, then ET + TTL from the promotion: 5000 + 1000 + 2000.
    ok.onLeaseEvent({ kind: "expire", at: 8000, id: 7n });
    expect(ok.violation).toBeUndefined();

    const early = new LeaseModelAudit(0, 1000, 500);
    early.onLeaseEvent({ kind: "grant", at: 100, id: 7n, ttl: 2 });
    early.onLeaseEvent({ kind: "demote", at: 1000 });
    early.onLeaseEvent({ kind: "expire", at: 2500, id: 7n });
    expect(early.violation?.invariant).toBe("lease.server-leader-loss-rule");
  });

  it("flags a renewal answer that differs from the model", () => {
    const audit = new LeaseModelAudit(0, 1000, 500);
    audit.onLeaseEvent({ kind: "grant", at: 0, id: 7n, ttl: 2 });
    // Expired at 2 s and removed by the 2 s tick: a renewal at 3 s must answer 0.
    audit.onLeaseEvent({ kind: "renew", at: 3000, id: 7n, ttl: 2 });
    expect(audit.violation?.invariant).toBe("lease.server-matches-model");
  });
});
