import { getEventListeners } from "node:events";
import { KeepAliveHaltedError } from "@dsim/core";
import type { Simulation, TraceValue } from "@dsim/sim-server";
import {
  checkAnchorsSurvive,
  checkBufferBound,
  checkCallOutcomes,
  checkCloseAfterLeaseEnd,
  checkCloseOnce,
  checkDeliveryKeepsUp,
  checkIsolation,
  checkNeverExpires,
  checkNoLeaderCloseNeedsNoLeader,
  checkNoListenersLeft,
  checkNoOrphanRequests,
  checkNoTtlZeroDelivered,
  checkRenewalGaps,
  checkRequestRate,
  checkRequireLeaderCloses,
  checkSharedStreamLeftAlone,
  checkSharedStreamRequiresLeader,
  type Interval,
  type LeaseFacts,
  LeaseModelAudit,
  type LeaseViolation,
  type ProbeFact,
  type RunFacts,
  type SubscriberFact,
} from "../../invariants/lease/index.js";
import { InvariantViolation } from "../../runner/suite.js";
import {
  type Consumer,
  FAULT_WINDOW_MS,
  faultsEnd,
  type LeaseCase,
  type LeaseFault,
} from "./lease-case.js";
import { consume, SLOW_READ_MS, type Tracked } from "./lease-consumers.js";
import { type ProbeContext, runProbe } from "./lease-probes.js";
import { buildLeaseWorld, type LeaseWorld } from "./lease-world.js";
import { disruptionWindows, maxLatencyMs, protectedLeases } from "./protected-leases.js";

/** Observation step of the safety phase (ms). */
const STEP_MS = 250;
/** The lessor's send-loop period and the fake etcd's expiry-loop period (both defaults). */
const SEND_INTERVAL_MS = 500;
const REVOKE_INTERVAL_MS = 500;
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
    case "stream-end":
      world.endStreams(fault.status);
      break;
    case "overload":
      cluster.refuseNewCalls(fault.durationMs);
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

/**
 * Runs one lease case: grants the leases, runs the subscribers and the fault plan (safety phase,
 * sampled every 250 ms), checks liveness once every fault healed, closes the lessor and checks that
 * nothing of it remains. Invariants are judged from the outside: what the fake etcd saw, what each
 * subscriber received, and what the kernel still holds.
 */
export async function runLeaseCase(
  sim: Simulation,
  testCase: LeaseCase,
  build: typeof buildLeaseWorld = buildLeaseWorld,
): Promise<void> {
  const audit = new LeaseModelAudit(sim.now(), testCase.electionTimeoutMs, REVOKE_INTERVAL_MS);
  const world = build(sim, testCase, { observer: audit });
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
      cluster.attachKey(granted.value.ID, `lease-${leaseIds.length - 1}`);
    }
    const t0 = sim.now();
    const tracked: Tracked[] = [];
    const running = { n: 0 };
    // One signal that many callers reuse for everything, never aborted: its listeners are counted.
    const shared = new AbortController();
    const controllers: AbortController[] = [];
    const probes: ProbeFact[] = [];
    const probeCtx: ProbeContext = {
      sim,
      lessor,
      leaseIds,
      shared: shared.signal,
      controllers,
      facts: probes,
    };
    const revokedAt: (number | null)[] = testCase.leases.map(() => null);
    const subscribe = (
      lease: number,
      plan: {
        requireLeader: boolean;
        consumer: Consumer;
        cancelAt: number | null;
        sharedSignal: boolean;
      },
      anchored: boolean,
    ): void => {
      const controller = new AbortController();
      controllers.push(controller);
      const signal = plan.sharedSignal ? shared.signal : controller.signal;
      const sub = lessor.keepAlive(leaseIds[lease] as bigint, {
        signal,
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
        consumer: plan.consumer,
        readTimes: [],
        zeroTtlReads: 0,
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
      consume(sim, t, plan.consumer, plan.sharedSignal ? shared.signal : undefined, running);
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
        subscribe(
          i,
          {
            requireLeader: false,
            consumer: plan.anchorConsumer,
            cancelAt: null,
            // Anchors reuse the run's one signal for the subscription and every read.
            sharedSignal: true,
          },
          true,
        );
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
    for (const plan of testCase.probes) {
      sim.clock.setTimeout(() => runProbe(probeCtx, plan, false), plan.at);
    }

    // Safety phase, sampled.
    const healedAt = Math.max(FAULT_WINDOW_MS, faultsEnd(testCase.faults)) + 2 * et + 5000;
    const noLeader: Interval[] = [];
    let noLeaderSince: number | null = null;
    // Listeners left on the signals the lessor hands its client are judged whenever it is quiet.
    const checkListenersBelow = (): void =>
      check(world.listenerAudit.check(lessor.stats().pendingCalls === 0));
    while (sim.now() - t0 < healedAt) {
      await sim.runFor(STEP_MS);
      checkListenersBelow();
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
      // A lease renewed less often than the observation lasts is judged by the renewal-gap bound.
      if ((ttlMs[t.fact.lease] as number) / 3 > 10_000) continue;
      const last = cluster.counters.statsFor(id)?.last ?? Number.NEGATIVE_INFINITY;
      if (last < healed) {
        fail({
          invariant: "lease.liveness-after-heal",
          message: `subscriber ${t.fact.index} is open but lease ${t.fact.lease} saw no keep-alive after healing`,
          details: { subscriber: t.fact.index, healedAt: healed, lastRequest: last },
        });
      }
    }

    // Every fault healed: each call must now answer what the server holds, at once.
    for (const [i] of leaseIds.entries()) {
      const base = { lease: i, keys: true, abortAfter: null };
      runProbe(probeCtx, { ...base, kind: "time-to-live", signal: "none" }, true);
      runProbe(probeCtx, { ...base, kind: "keep-alive-once", signal: "shared" }, true);
    }
    runProbe(
      probeCtx,
      { kind: "leases", lease: 0, keys: false, signal: "shared", abortAfter: null },
      true,
    );
    await sim.runFor(2 * maxLatencyMs(testCase) + 1000);
    checkListenersBelow();

    // Close with calls in flight: close() cancels them at once and none outlives it.
    runProbe(
      probeCtx,
      { kind: "keep-alive-once", lease: 0, keys: false, signal: "shared", abortAfter: null },
      true,
    );
    runProbe(
      probeCtx,
      { kind: "time-to-live", lease: 0, keys: false, signal: "none", abortAfter: null },
      true,
    );
    // Close: nothing of the lessor remains; keepAlive afterwards is halted.
    const closedAt = sim.now();
    let closeSettledAt: number | null = null;
    const closePromise = lessor.close();
    closePromise.then(
      () => {
        closeSettledAt = sim.now();
      },
      () => {},
    );
    const closing = await settle(sim, closePromise, 5000);
    if (!closing.ok) {
      fail({ invariant: "lease.close", message: "close() did not resolve", details: {} });
    }
    const closeBound = testCase.transport === "grpc" ? 50 : 1;
    if (closeSettledAt === null || closeSettledAt > closedAt + closeBound) {
      // close() cancels whatever is in flight: it must not wait out a retry delay or a round trip.
      fail({
        invariant: "lease.close-prompt",
        message: `close() called at ${closedAt} ms resolved at ${closeSettledAt} ms (bound ${closeBound} ms)`,
        details: { closedAt, resolvedAt: closeSettledAt },
      });
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
    checkListenersBelow();
    check(
      checkNoListenersLeft([
        { name: "the shared signal", listeners: getEventListeners(shared.signal, "abort").length },
        ...controllers
          .map((c, i) => ({
            name: `signal ${i}`,
            listeners: c.signal.aborted ? 0 : getEventListeners(c.signal, "abort").length,
          }))
          .filter((s) => s.listeners > 0),
      ]),
    );

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
    const origin = t0;
    const runFacts: RunFacts = {
      leaseIds,
      grantedTtlS: ttlMs.map((ms) => ms / 1000),
      leaseKeys: leaseIds.map((_, i) => `lease-${i}`),
      disruptions: disruptionWindows(testCase, et).map((w) => ({
        start: origin + w.start,
        end: origin + w.end,
      })),
      // A restarted leader also leaves the cluster leaderless until the next election.
      leaderless: testCase.faults.flatMap((f) =>
        f.kind === "leader-loss" || f.kind === "quorum-loss" || f.kind === "member-restart"
          ? [
              {
                start: origin + f.at,
                end: origin + f.at + ("durationMs" in f ? f.durationMs : f.downMs) + 2 * et + 1000,
              },
            ]
          : [],
      ),
      endedAt: (id) => cluster.counters.ends().find((e) => e.id === id)?.at,
      requestTimes: (id) => cluster.counters.timesFor(id),
      subscribers: facts.subscribers,
      probes,
      latencyMs: testCase.latencyMs,
      transportSlackMs: facts.transportSlackMs,
      sendIntervalMs: SEND_INTERVAL_MS,
      revokeIntervalMs: REVOKE_INTERVAL_MS,
      closedAt,
    };
    check(
      // The stream's own contract first: a broken stream explains the gaps it causes.
      checkSharedStreamRequiresLeader(world.streams),
      checkSharedStreamLeftAlone(world.streams, closedAt),
      checkRenewalGaps(runFacts),
      checkDeliveryKeepsUp(runFacts),
      checkCallOutcomes(runFacts),
      checkNoTtlZeroDelivered(runFacts),
      checkNoLeaderCloseNeedsNoLeader(runFacts),
      audit.finish(sim.now(), (id) => cluster.hasLease(id)),
    );
  } finally {
    // A lessor whose close() never resolves has been reported above; do not hang the run on it.
    await settle(sim, lessor.close(), 5000);
    await world.close();
  }
}
