import { KeepAliveHaltedError, type KeepAliveSubscription, sleep } from "@dsim/core";
import type { Simulation, TraceValue } from "@dsim/sim-server";
import {
  checkAnchorsSurvive,
  checkBufferBound,
  checkCloseAfterLeaseEnd,
  checkCloseOnce,
  checkIsolation,
  checkNeverExpires,
  checkNoOrphanRequests,
  checkRequestRate,
  checkRequireLeaderCloses,
  type Interval,
  type LeaseFacts,
  type LeaseViolation,
  type SubscriberFact,
} from "../../invariants/lease/index.js";
import { InvariantViolation } from "../../runner/suite.js";
import { FAULT_WINDOW_MS, faultsEnd, type LeaseCase, type LeaseFault } from "./lease-case.js";
import { buildLeaseWorld, type LeaseWorld } from "./lease-world.js";
import { maxLatencyMs, protectedLeases } from "./protected-leases.js";

/** Observation step of the safety phase (ms). */
const STEP_MS = 250;
/** How long a slow consumer sleeps between reads (ms). */
const SLOW_READ_MS = 5000;
/** After every fault healed, a fresh lease must be kept alive within this bound (ms). */
export const LIVENESS_BOUND_MS = 15_000;
/** The same over gRPC, where the channel's reconnect backoff adds up to about a minute. */
export const GRPC_LIVENESS_BOUND_MS = 90_000;

function fail(violation: LeaseViolation): never {
  throw new InvariantViolation(violation.invariant, violation.message, violation.details);
}

function check(...violations: (LeaseViolation | undefined)[]): void {
  for (const v of violations) if (v !== undefined) fail(v);
}

/** Waits in simulated time until `promise` settles (or `timeoutMs` passes). */
async function settle<T>(
  sim: Simulation,
  promise: Promise<T>,
  timeoutMs: number,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let out: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  promise.then(
    (value) => {
      out = { ok: true, value };
    },
    (error: unknown) => {
      out = { ok: false, error };
    },
  );
  const deadline = sim.now() + timeoutMs;
  while (out === undefined && sim.now() < deadline)
    await sim.runFor(Math.min(50, deadline - sim.now()));
  return out ?? { ok: false, error: new Error(`not settled within ${timeoutMs} ms`) };
}

/** Applies one fault to the world now and schedules its healing. */
function applyFault(
  sim: Simulation,
  world: LeaseWorld,
  testCase: LeaseCase,
  fault: LeaseFault,
): void {
  const { cluster } = world;
  sim.trace.record("fault", fault.kind, { ...fault });
  const heal = (ms: number, fn: () => void): void => {
    sim.clock.setTimeout(fn, ms);
  };
  switch (fault.kind) {
    case "leader-loss":
      cluster.isolateLeader(fault.durationMs);
      break;
    case "quorum-loss":
      cluster.loseQuorum(fault.durationMs);
      break;
    case "leader-change":
      cluster.transferLeader();
      break;
    case "member-restart":
      world.restart(fault.member % testCase.members, fault.downMs);
      break;
    case "goaway":
      world.goaway();
      break;
    case "drop-responses":
    case "drop-requests": {
      const kind = fault.kind === "drop-responses" ? "responses" : "requests";
      world.setDrops(kind, fault.probability);
      heal(fault.durationMs, () => world.setDrops(kind, 0));
      break;
    }
    case "partition":
      world.setPartition(true);
      heal(fault.durationMs, () => world.setPartition(false));
      break;
    case "latency":
      world.setLatency(fault.latencyMs);
      heal(fault.durationMs, () => world.setLatency(testCase.latencyMs));
      break;
  }
}

interface Tracked {
  readonly fact: SubscriberFact;
  readonly sub: KeepAliveSubscription;
  lastBuffered: number;
}

/** Starts a consumer task for `t` according to its plan. */
function consume(
  sim: Simulation,
  t: Tracked,
  consumer: "fast" | "slow" | "never",
  running: { n: number },
): void {
  if (consumer === "never") return;
  running.n += 1;
  sim.spawn(`consumer-${t.fact.index}`, async () => {
    try {
      for (;;) {
        const wasClosed = t.sub.closed;
        const response = await t.sub.receive();
        if (response === undefined) return;
        t.fact.lastReadAt = sim.now();
        if (wasClosed) t.fact.readsAfterClose += 1;
        // A closed subscription is drained at once so the consumer task ends.
        if (consumer === "slow" && !t.sub.closed) await sleep(sim.clock, SLOW_READ_MS);
      }
    } finally {
      running.n -= 1;
    }
  });
}

/**
 * Runs one lease case: grants the leases, runs the subscribers and the fault plan (safety phase,
 * sampled every 250 ms), checks liveness once every fault healed, closes the lessor and checks that
 * nothing of it remains. Invariants are judged from the outside: what the fake etcd saw, what each
 * subscriber received, and what the kernel still holds.
 */
export async function runLeaseCase(sim: Simulation, testCase: LeaseCase): Promise<void> {
  const world = buildLeaseWorld(sim, testCase);
  const { cluster, lessor } = world;
  const et = cluster.electionTimeoutMs;
  try {
    // Grant every lease before the faults start.
    const leaseIds: bigint[] = [];
    const ttlMs: number[] = [];
    for (const plan of testCase.leases) {
      const granted = await settle(sim, lessor.grant(plan.ttl), 10_000);
      if (!granted.ok) {
        throw new InvariantViolation(
          "lease.grant",
          `grant failed without faults: ${String(granted.error)}`,
        );
      }
      leaseIds.push(granted.value.ID);
      ttlMs.push(granted.value.TTL * 1000);
    }
    const t0 = sim.now();
    const tracked: Tracked[] = [];
    const running = { n: 0 };
    const revokedAt: (number | null)[] = testCase.leases.map(() => null);
    const subscribe = (
      lease: number,
      plan: {
        requireLeader: boolean;
        consumer: "fast" | "slow" | "never";
        cancelAt: number | null;
      },
      anchored: boolean,
    ): void => {
      const controller = new AbortController();
      const sub = lessor.keepAlive(leaseIds[lease] as bigint, {
        signal: controller.signal,
        requireLeader: plan.requireLeader,
      });
      const fact: SubscriberFact = {
        index: tracked.length,
        lease,
        requireLeader: plan.requireLeader,
        anchored,
        startAt: sim.now(),
        cancelledAt: null,
        closedAt: null,
        reason: null,
        reasonChanged: false,
        maxBuffered: 0,
        bufferedAtClose: 0,
        grewAfterClose: false,
        readsAfterClose: 0,
        lastReadAt: null,
        closeNotifications: 0,
      };
      const t: Tracked = { fact, sub, lastBuffered: 0 };
      tracked.push(t);
      sub.whenClosed().then((reason) => {
        fact.closeNotifications += 1;
        fact.closedAt ??= sim.now();
        fact.reason ??= reason.kind;
        fact.bufferedAtClose = sub.buffered;
        t.lastBuffered = sub.buffered;
      });
      consume(sim, t, plan.consumer, running);
      if (plan.cancelAt !== null) {
        sim.clock.setTimeout(
          () => {
            fact.cancelledAt ??= sim.now();
            controller.abort();
          },
          Math.max(0, plan.cancelAt - (sim.now() - t0)),
        );
      }
    };
    for (const [i, plan] of testCase.leases.entries()) {
      if (plan.anchored) {
        subscribe(i, { requireLeader: false, consumer: plan.anchorConsumer, cancelAt: null }, true);
      }
      if (plan.revokeAt !== null) {
        sim.clock.setTimeout(() => {
          revokedAt[i] = sim.now();
          lessor.revoke(leaseIds[i] as bigint).then(
            () => {},
            () => {},
          );
        }, plan.revokeAt);
      }
    }
    for (const plan of testCase.subscribers) {
      sim.clock.setTimeout(() => subscribe(plan.lease, plan, false), plan.startAt);
    }
    for (const fault of testCase.faults) {
      sim.clock.setTimeout(() => applyFault(sim, world, testCase, fault), fault.at);
    }

    // Safety phase, sampled.
    const healedAt = Math.max(FAULT_WINDOW_MS, faultsEnd(testCase.faults)) + 2 * et + 5000;
    const noLeader: Interval[] = [];
    let noLeaderSince: number | null = null;
    while (sim.now() - t0 < healedAt) {
      await sim.runFor(STEP_MS);
      for (const t of tracked) {
        const buffered = t.sub.buffered;
        t.fact.maxBuffered = Math.max(t.fact.maxBuffered, buffered);
        if (t.fact.closedAt !== null) {
          if (buffered > t.lastBuffered) t.fact.grewAfterClose = true;
          if (t.sub.closeReason?.kind !== t.fact.reason) t.fact.reasonChanged = true;
        }
        t.lastBuffered = buffered;
      }
      const members = cluster.members();
      const none = members.every((m) => m.up) && members.every((m) => !cluster.hasLeader(m.index));
      if (none && noLeaderSince === null) noLeaderSince = sim.now();
      if (!none && noLeaderSince !== null) {
        noLeader.push({ start: noLeaderSince, end: sim.now() });
        noLeaderSince = null;
      }
    }
    if (noLeaderSince !== null) noLeader.push({ start: noLeaderSince, end: sim.now() });

    // Liveness phase: a fresh lease is kept alive again, and live subscribers are renewed.
    const healed = sim.now();
    // Over gRPC the channel may still be waiting out its reconnect backoff (up to ×1.6 per failed
    // attempt during a long outage), so the bound is wider there.
    const bound = testCase.transport === "grpc" ? GRPC_LIVENESS_BOUND_MS : LIVENESS_BOUND_MS;
    let fresh = await settle(sim, lessor.grant(10), bound);
    while (!fresh.ok && sim.now() - healed < bound) {
      // An application retries a failed grant; the lessor itself does not (clientv3 neither).
      await sim.runFor(1000);
      fresh = await settle(sim, lessor.grant(10), bound - (sim.now() - healed));
    }
    if (!fresh.ok) {
      fail({
        invariant: "lease.liveness-after-heal",
        message: `no grant succeeded within ${bound} ms after every fault healed: ${String(fresh.error)}`,
        details: { at: sim.now(), healedAt: healed },
      });
    }
    const freshSub = lessor.keepAlive(fresh.value.ID);
    const first = await settle(sim, freshSub.receive(), LIVENESS_BOUND_MS);
    if (!first.ok || first.value === undefined) {
      fail({
        invariant: "lease.liveness-after-heal",
        message: `a fresh lease got no keep-alive response within ${LIVENESS_BOUND_MS} ms after healing`,
        details: { healedAt: healed, closed: freshSub.closeReason?.kind ?? null },
      });
    }
    await sim.runFor(12_000);
    for (const t of tracked) {
      const id = leaseIds[t.fact.lease] as bigint;
      if (t.sub.closed || !cluster.hasLease(id)) continue;
      const last = cluster.counters.statsFor(id)?.last ?? Number.NEGATIVE_INFINITY;
      if (last < healed) {
        fail({
          invariant: "lease.liveness-after-heal",
          message: `subscriber ${t.fact.index} is open but lease ${t.fact.lease} saw no keep-alive after healing`,
          details: { subscriber: t.fact.index, healedAt: healed, lastRequest: last },
        });
      }
    }

    // Close: nothing of the lessor remains; keepAlive afterwards is halted.
    const closedAt = sim.now();
    const closing = await settle(sim, lessor.close(), 5000);
    if (!closing.ok) {
      fail({ invariant: "lease.close", message: "close() did not resolve", details: {} });
    }
    const stats = lessor.stats();
    const leftovers: { readonly [key: string]: TraceValue } = {
      timers: sim.pendingTimers("lessor"),
      subscribers: stats.subscribers,
      streamOpen: stats.streamOpen,
      pendingCalls: stats.pendingCalls,
      openSubscriptions: tracked.filter((t) => !t.sub.closed).length + (freshSub.closed ? 0 : 1),
    };
    if (Object.values(leftovers).some((v) => v !== 0 && v !== false)) {
      fail({
        invariant: "lease.nothing-left-after-close",
        message: "the lessor still holds something after close()",
        details: leftovers,
      });
    }
    const late = lessor.keepAlive(leaseIds[0] as bigint);
    if (!late.closed || !(late.error instanceof KeepAliveHaltedError)) {
      fail({
        invariant: "lease.keepalive-after-close-halted",
        message:
          "keepAlive after close() did not return a closed subscription with KeepAliveHalted",
        details: { closed: late.closed, reason: late.closeReason?.kind ?? null },
      });
    }
    await sim.runFor(2 * maxLatencyMs(testCase) + 1000);
    const requestsAfterClose = cluster.counters.requests;
    await sim.runFor(SLOW_READ_MS + 1000);
    const lingering = {
      serverStreams: cluster.openSessions(),
      requestsAfterClose: cluster.counters.requests - requestsAfterClose,
      consumers: running.n,
      lessorTimers: sim.pendingTimers("lessor"),
    };
    if (Object.values(lingering).some((v) => v !== 0)) {
      fail({
        invariant: "lease.nothing-left-after-close",
        message: "something of the lessor outlived close()",
        details: lingering,
      });
    }

    // Outside-in invariants over the whole run.
    const facts: LeaseFacts = {
      ttlMs,
      leaseIds,
      revokedAt,
      protectedLeases: protectedLeases(testCase, et, cluster.minLeaseTtl),
      subscribers: tracked.map((t) => t.fact),
      requestTimes: (id) => cluster.counters.timesFor(id),
      // After close nothing keeps the leases alive: only what ended before counts.
      serverEnds: cluster.counters.ends().filter((e) => e.at < closedAt),
      noLeader,
      electionTimeoutMs: et,
      minLatencyMs: testCase.latencyMs,
      maxLatencyMs: maxLatencyMs(testCase),
      transportSlackMs: testCase.transport === "grpc" ? 50 : 0,
    };
    check(
      checkBufferBound(facts),
      checkCloseOnce(facts),
      checkIsolation(facts),
      checkRequestRate(facts),
      checkNoOrphanRequests(facts),
      checkNeverExpires(facts),
      checkAnchorsSurvive(facts),
      checkRequireLeaderCloses(facts),
      checkCloseAfterLeaseEnd(facts),
    );
  } finally {
    await lessor.close();
    await world.close();
  }
}
