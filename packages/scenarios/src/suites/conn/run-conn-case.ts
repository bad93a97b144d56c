import {
  BACKOFF_JITTER,
  BACKOFF_MULTIPLIER,
  ClientConn,
  type ConnectivityState,
  INITIAL_BACKOFF_MS,
  isStatusError,
  type Logger,
  MAX_BACKOFF_MS,
  MAX_KEEPALIVE_TIME_MS,
  ManualResolver,
  type MethodDescriptor,
  MIN_CONNECT_TIMEOUT_MS,
  sleep,
} from "@dsim/core";
import type { Simulation } from "@dsim/sim-server";
import {
  type ConnFacts,
  checkAddresses,
  checkBackoff,
  checkKeepalive,
  checkOutcomes,
  checkStreams,
  checkTransitions,
  type OutcomeFact,
  type TransitionFact,
  type Violation,
} from "../../invariants/conn/index.js";
import { InvariantViolation } from "../../runner/suite.js";
import { type ConnCase, onlyGracefulGoaways, planEnd } from "./conn-case.js";
import {
  allowedTimerFires,
  DEFAULT_CONN_DURATIONS,
  MAX_TIMER_MS,
  reconnectBoundMs,
} from "./conn-durations.js";
import { type ConnStack, checkClosedStreams, checkPingAcks, fakeConnStack } from "./conn-stack.js";
import { countingSignal } from "./counting-signal.js";
import { backoffPhase, idlePhase } from "./duration-phases.js";
import { FaultDriver } from "./fault-driver.js";
import { SpyDialer } from "./spy-dialer.js";
import {
  afterClose,
  beforeClose,
  type CallExtras,
  healthyPhase,
  type PhaseContext,
  removedAddressReleased,
  removedWhileConnectingPhase,
  settled,
  statusPhase,
} from "./targeted-phases.js";
import { BUSY_TIMER_FIRES_PER_SECOND, meterTimers } from "./timer-meter.js";
import { ECHO_METHOD, STREAM_METHOD } from "./world.js";

/** After every fault healed, a wait-for-ready RPC must succeed within this much virtual time. */
export const LIVENESS_BOUND_MS = 200_000;
/** How long the idle channel is watched after a GOAWAY for reconnects nobody asked for. */
const QUIET_MS = 60_000;
/** How long the world runs after close() to show that nothing comes back. */
const AFTER_CLOSE_MS = 300_000;

const identity = { encode: (b: Uint8Array) => b, decode: (b: Uint8Array) => b };
const echo: MethodDescriptor<Uint8Array, Uint8Array> = {
  path: ECHO_METHOD,
  requestCodec: identity,
  responseCodec: identity,
};

const stream: MethodDescriptor<Uint8Array, Uint8Array> = {
  path: STREAM_METHOD,
  requestCodec: identity,
  responseCodec: identity,
};

function fail(violation: Violation): never {
  throw new InvariantViolation(violation.invariant, violation.message, violation.details);
}

function failFirst(violations: readonly Violation[]): void {
  const first = violations[0];
  if (first !== undefined) fail(first);
}

/** Runs one conn case on `stack` (default: the fake gRPC transport). */
export async function runConnCase(
  sim: Simulation,
  testCase: ConnCase,
  stack: ConnStack = fakeConnStack,
): Promise<void> {
  const world = stack.startServers(sim, testCase);
  const inner = stack.dialer(sim);
  const spy = new SpyDialer(inner, () => sim.now());
  const resolver = new ManualResolver(world.addresses);
  const transitions: TransitionFact[] = [];
  const addressUpdates: { t: number; firstDial: number; addresses: readonly string[] }[] = [];
  const logger: Logger = {
    log: (level, message, fields = {}) => {
      if (message === "subchannel state" || message === "channel state") {
        const scope = message === "channel state" ? "channel" : String(fields.address);
        const from = fields.from as ConnectivityState;
        const to = fields.to as ConnectivityState;
        transitions.push({ t: sim.now(), scope, from, to });
        sim.trace.record("conn", "conn.state", { scope, from, to });
      } else if (message === "channel state step inserted") {
        sim.trace.record("conn", "conn.state-step", {
          from: String(fields.from),
          via: String(fields.via),
          to: String(fields.to),
        });
      } else if (level !== "debug") {
        sim.trace.record("conn", "conn.log", { level, message });
      }
    },
  };
  const generated = testCase.durations;
  const durations = generated ?? DEFAULT_CONN_DURATIONS;
  // A policy that retries every few ms fires that many timers by design; a bound of days must
  // still cover an attempt hanging until its deadline plus the backoff after it.
  const timers = meterTimers(
    sim.clockFor("conn"),
    generated === undefined
      ? BUSY_TIMER_FIRES_PER_SECOND
      : allowedTimerFires(generated, testCase.servers, BUSY_TIMER_FIRES_PER_SECOND),
  );
  const livenessBoundMs =
    generated === undefined ? LIVENESS_BOUND_MS : reconnectBoundMs(generated, LIVENESS_BOUND_MS);
  const conn = new ClientConn({
    resolver,
    dialer: spy,
    clock: timers.clock,
    random: sim.randomFor("conn"),
    logger,
    balancer: testCase.balancer,
    ...(testCase.keepaliveMs === null
      ? {}
      : { keepalive: { timeMs: testCase.keepaliveMs, permitWithoutCalls: true } }),
    ...(generated === undefined
      ? {}
      : {
          backoff: {
            initialMs: generated.initialBackoffMs,
            multiplier: generated.multiplier,
            jitter: generated.jitter,
            maxMs: generated.maxBackoffMs,
          },
          connectTimeoutMs: generated.connectTimeoutMs,
          idleTimeoutMs: generated.idleTimeoutMs,
        }),
  });
  const driver = new FaultDriver(sim, world, resolver, (addresses) =>
    addressUpdates.push({ t: sim.now(), firstDial: spy.dials.length, addresses }),
  );
  const outcomes: OutcomeFact[] = [];
  const tooManyPingsSent = (): number =>
    world.servers.reduce(
      (n, server) =>
        n + server.stats.goawaysSent.filter((g) => g.debug === "too_many_pings").length,
      0,
    );
  const workload = sim.clockFor("workload");
  let closedAt: number | undefined;

  const call = (
    id: string,
    waitForReady: boolean,
    deadlineMs: number,
    delayMs?: number,
    extras: CallExtras = {},
  ): { outcome: OutcomeFact; done: Promise<void> } => {
    const outcome: OutcomeFact = { id, at: sim.now(), deadlineAt: sim.now() + deadlineMs };
    outcomes.push(outcome);
    const done = sim.spawn(`rpc ${id}`, async () => {
      try {
        await conn.unary(extras.method ?? echo, new TextEncoder().encode(id), {
          metadata: {
            "x-rpc-id": [id],
            ...(delayMs === undefined ? {} : { "x-delay-ms": [String(delayMs)] }),
            ...extras.metadata,
          },
          waitForReady,
          deadline: outcome.deadlineAt,
          ...(extras.signal === undefined ? {} : { signal: extras.signal }),
        });
        outcome.ok = true;
      } catch (error) {
        if (!isStatusError(error)) throw error;
        outcome.ok = false;
        outcome.status = error.status;
        outcome.details = error.details;
      }
      outcome.settledAt = sim.now();
    });
    return { outcome, done };
  };
  const facts = (): ConnFacts => ({
    dials: spy.dials,
    transports: spy.transports,
    streams: spy.streams,
    transitions,
    processed: world.processed,
    outcomes,
    addressUpdates,
    backoff:
      generated === undefined
        ? {
            initialMs: INITIAL_BACKOFF_MS,
            multiplier: BACKOFF_MULTIPLIER,
            jitter: BACKOFF_JITTER,
            maxMs: MAX_BACKOFF_MS,
            minConnectTimeoutMs: MIN_CONNECT_TIMEOUT_MS,
          }
        : {
            initialMs: durations.initialBackoffMs,
            multiplier: durations.multiplier,
            jitter: durations.jitter,
            maxMs: durations.maxBackoffMs,
            minConnectTimeoutMs: durations.connectTimeoutMs,
          },
    keepaliveMs: testCase.keepaliveMs,
    closedAt,
  });
  const safety = (): void => {
    const f = facts();
    failFirst([
      ...checkTransitions(f),
      ...checkBackoff(f, sim.now()),
      ...checkStreams(f),
      ...checkAddresses(f),
      ...checkKeepalive(f),
      ...checkPingAcks(inner, world.servers),
      ...checkClosedStreams(inner),
    ]);
  };
  // A ping gap below the configured interval is a keepalive violation; noticed at once, so that
  // a ping storm (a doubled interval overflowing to 1 ms) cannot run for weeks of virtual time.
  let pingStorm = false;
  spy.onPing = (t) => {
    const keepaliveMs = testCase.keepaliveMs;
    const previous = t.pings.at(-2) ?? t.readyAt;
    if (keepaliveMs !== null && (t.pings.at(-1) ?? previous) - previous < keepaliveMs - 2) {
      pingStorm = true;
    }
  };
  const stopOnStorm = (): void => {
    if (pingStorm) safety();
    if (timers.busy) {
      fail({
        invariant: "conn.no-busy-timer-loop",
        message: `the channel fired ${timers.peak.fires} timers within one virtual second from t=${timers.peak.at} (a timer loop)`,
        details: {
          at: timers.peak.at,
          fires: timers.peak.fires,
          keepaliveMs: testCase.keepaliveMs,
        },
      });
    }
  };
  /**
   * `sim.runUntil(predicate)` bounded by `timeoutMs` (a timeout is not an error: the checks after
   * it judge), which also stops early, and reports, once a ping storm started.
   */
  const until = async (predicate: () => boolean, timeoutMs: number): Promise<void> => {
    await sim
      .runUntil(() => pingStorm || timers.busy || predicate(), { timeoutMs })
      .catch(() => {});
    stopOnStorm();
  };
  /** `sim.runFor(ms)` that stops early, and reports, once a ping storm started. */
  const runWatched = async (ms: number): Promise<void> => {
    const target = sim.now() + ms;
    await until(() => false, ms);
    if (sim.now() < target) await sim.runFor(target - sim.now());
  };
  const shared = countingSignal();
  const ctx: PhaseContext = {
    sim,
    conn,
    testCase,
    servers: world.servers,
    addresses: world.addresses,
    spy,
    driver,
    transitions,
    call,
    shared,
    safety,
    tooManyPingsSent,
    until,
    fail: failFirst,
  };

  try {
    // Safety phase: the workload and the fault plan run together.
    driver.schedule(testCase.faults);
    testCase.rpcs.forEach((rpc, index) => {
      workload.setTimeout(() => call(`r${index}`, rpc.waitForReady, rpc.deadlineMs), rpc.at);
    });
    await runWatched(planEnd(testCase) + 1);
    const longest = Math.max(0, ...testCase.rpcs.map((r) => r.deadlineMs));
    await until(() => outcomes.every((o) => o.settledAt !== undefined), longest + 1_000);
    // A server that sent too_many_pings (keepalive enforcement) killed connections: it was not
    // "healthy", so the zero-failure promise of graceful GOAWAYs does not apply to that window.
    failFirst(checkOutcomes(facts(), onlyGracefulGoaways(testCase) && tooManyPingsSent() === 0));
    safety();

    // Liveness phase: every fault healed; an RPC must get through within the bound.
    driver.healAll();
    const healedAt = sim.now();
    // An RPC that was in flight when a last fault struck may still fail; like an application, the
    // probe tries again (after a pause, so a fail-fast bug cannot spin) until the bound.
    let probe: OutcomeFact | undefined;
    let probes = 0;
    sim.spawn("liveness", async () => {
      for (;;) {
        const left = healedAt + livenessBoundMs - sim.now();
        if (left <= 0) return;
        // A deadline is a timer too: keep it within the timer limit and ask again if it runs out.
        const next = call(`liveness-${probes++}`, true, Math.min(left, MAX_TIMER_MS - 1));
        probe = next.outcome;
        await next.done;
        if (next.outcome.ok === true) return;
        await sleep(workload, Math.min(100, left));
      }
    });
    await until(() => probe?.ok === true, livenessBoundMs + 1_000);
    if (probe?.ok !== true) {
      fail({
        invariant: "conn.liveness-after-heal",
        message: `no RPC succeeded within ${livenessBoundMs} ms after every fault healed`,
        details: {
          healedAt,
          probes,
          status: probe?.status ?? null,
          details: probe?.details ?? null,
        },
      });
    }
    safety();

    await healthyPhase(ctx);

    // Duration phases: the generated backoff policy through its whole growth curve, and the idle
    // timeout, judged against the configured values.
    if (generated !== undefined) {
      await backoffPhase(ctx, generated);
      await idlePhase(ctx, generated);
    }

    // Keepalive phase: idle pings earn a too_many_pings GOAWAY from the enforcing server; the next
    // connection must ping at (at least) twice the interval.
    if (testCase.keepaliveMs !== null) {
      await runWatched(5 * testCase.keepaliveMs);
      // Pings days apart never trip the server's policy; a server may still send too_many_pings
      // (A8), and then the doubled interval crosses the 2^31-1 ms timer limit: it must stay capped.
      if (2 * testCase.keepaliveMs > MAX_KEEPALIVE_TIME_MS) {
        // The idle timeout closed the connections meanwhile: open one to receive the GOAWAY.
        const before = call("keepalive-before", true, 10_000).outcome;
        await until(() => before.settledAt !== undefined, 11_000);
        for (const server of world.servers) server.goaway({ mode: "too_many_pings" });
        await sim.runFor(4 * testCase.latencyMs + 5);
      }
      const after = call("keepalive", true, 10_000).outcome;
      await until(() => after.settledAt !== undefined, 11_000);
      await runWatched(3 * testCase.keepaliveMs);
      safety();
    }

    // Drain phase: a graceful two-phase GOAWAY from every (healthy) server while RPCs are in
    // flight and more arrive: the application must not see a single failure.
    const drain: OutcomeFact[] = [];
    const pingKillsBefore = tooManyPingsSent();
    for (let i = 0; i < 4; i++) drain.push(call(`drain-a${i}`, false, 10_000, 100).outcome);
    await sim.runFor(testCase.latencyMs + 5);
    for (const server of world.servers) server.goaway({ mode: "graceful" });
    await sim.runFor(3 * testCase.latencyMs + 5);
    for (let i = 0; i < 4; i++) drain.push(call(`drain-b${i}`, false, 10_000, 100).outcome);
    await until(() => drain.every((o) => o.settledAt !== undefined), 11_000);
    // The more specific port-level invariants first: they say why RPCs failed.
    safety();
    const failed =
      tooManyPingsSent() === pingKillsBefore ? drain.find((o) => o.ok !== true) : undefined;
    if (failed !== undefined) {
      fail({
        invariant: "conn.graceful-goaway-zero-failures",
        message: `RPC ${failed.id} failed during a graceful GOAWAY of healthy servers`,
        details: { rpc: failed.id, status: failed.status ?? null, details: failed.details ?? null },
      });
    }

    // Stream phase: a bidi stream open across a graceful GOAWAY (its id is below the last
    // stream id) runs to completion: every message echoed, then OK.
    const streamOutcome: { echoed: number; error?: string; done: boolean } = {
      echoed: 0,
      done: false,
    };
    const pingKillsBeforeStream = tooManyPingsSent();
    sim.spawn("stream", async () => {
      try {
        const bidi = await conn.bidi(stream, {
          metadata: { "x-rpc-id": ["stream-0"] },
          waitForReady: true,
          deadline: sim.now() + 20_000,
        });
        const reading = (async () => {
          for await (const _ of bidi) streamOutcome.echoed += 1;
        })();
        for (let i = 0; i < 6; i++) {
          bidi.send(new Uint8Array([i]));
          if (i === 2) for (const server of world.servers) server.goaway({ mode: "graceful" });
          await sleep(workload, 10 + testCase.latencyMs);
        }
        bidi.halfClose();
        await reading;
      } catch (error) {
        streamOutcome.error = isStatusError(error) ? error.message : String(error);
      }
      streamOutcome.done = true;
    });
    await until(() => streamOutcome.done, 21_000);
    safety();
    if (
      tooManyPingsSent() === pingKillsBeforeStream &&
      (streamOutcome.error !== undefined || streamOutcome.echoed !== 6)
    ) {
      fail({
        invariant: "conn.streams-below-last-id-complete",
        message: "a bidi stream open across a graceful GOAWAY did not run to completion",
        details: {
          echoed: streamOutcome.echoed,
          error: streamOutcome.error ?? null,
          done: streamOutcome.done,
        },
      });
    }

    await statusPhase(ctx, stack.statusProbes === true);

    // Reset phase: connections die under RPCs in flight. They fail (UNAVAILABLE) and are never
    // re-sent, since the server may have run them.
    const reset: OutcomeFact[] = [];
    for (let i = 0; i < 3; i++) reset.push(call(`reset-${i}`, true, 10_000, 200).outcome);
    await sim.runFor(testCase.latencyMs * 2 + 20);
    for (const server of world.servers) server.closeConnections({ reset: true });
    await until(() => reset.every((o) => o.settledAt !== undefined), 11_000);
    safety();

    // Address phase: the first address is removed; RPCs then only dial the others (with one
    // server the list goes empty and back).
    // Two slow RPCs are in flight when it goes: its connection drains them, then closes.
    const draining = [0, 1].map(
      (i) => call(`draining-${i}`, true, 5_000, 200 + testCase.processingMs).outcome,
    );
    await sim.runFor(2 * testCase.latencyMs + 5);
    driver.setAddresses(world.addresses.slice(1));
    const removedAt = sim.now();
    const moved: OutcomeFact[] = [...draining];
    for (let i = 0; i < 3; i++) moved.push(call(`moved-${i}`, false, 5_000).outcome);
    await until(() => moved.every((o) => o.settledAt !== undefined), 6_000);
    await removedAddressReleased(ctx, removedAt);
    driver.setAddresses(world.addresses);
    safety();

    await removedWhileConnectingPhase(ctx);

    // Quiet phase: let every subchannel settle (READY or IDLE), then GOAWAY everything while no
    // RPC is pending: the channel must go IDLE and dial nothing until asked.
    await until(
      () => spy.inFlight().length === 0 && settled(transitions, world.addresses),
      livenessBoundMs,
    );
    // A caller waits for the state to change with its reused signal; the GOAWAY (or close) ends
    // the wait, after which nothing may be left on the signal.
    void conn.waitForStateChange(conn.getState(), shared.signal);
    for (const server of world.servers) server.goaway({ mode: "graceful" });
    const quietFrom = sim.now();
    await runWatched(QUIET_MS);
    const unasked = spy.dials.filter((d) => d.start >= quietFrom);
    if (unasked.length > 0) {
      fail({
        invariant: "conn.no-reconnect-without-rpc",
        message: `${unasked.length} dial(s) after a GOAWAY while no RPC was pending`,
        details: {
          goawayAt: quietFrom,
          firstDialAt: unasked[0]?.start ?? null,
          address: unasked[0]?.address ?? null,
        },
      });
    }

    // Close while connecting, or while a subchannel sits in backoff with RPCs pending: SHUTDOWN is
    // absorbing, the pending RPCs fail at once, and nothing is left.
    const pendingAtClose = await beforeClose(ctx);
    closedAt = sim.now();
    await conn.close();
    const dialsAtClose = spy.dials.length;
    await afterClose(ctx, pendingAtClose, closedAt);
    await runWatched(AFTER_CLOSE_MS);
    safety();
    if (conn.getState() !== "SHUTDOWN" || spy.dials.length !== dialsAtClose) {
      fail({
        invariant: "conn.shutdown-absorbing",
        message: "the channel left SHUTDOWN or dialed after close()",
        details: { state: conn.getState(), dialsAfterClose: spy.dials.length - dialsAtClose },
      });
    }
    const open = spy.openTransports();
    const inFlight = spy.inFlight();
    const timers = sim.pendingTimers("conn");
    if (open.length > 0 || inFlight.length > 0 || timers > 0 || inner.openTransports > 0) {
      fail({
        invariant: "conn.no-leak-after-close",
        message: "the channel still holds resources after close()",
        details: {
          openTransports: open.length,
          dialerTransports: inner.openTransports,
          dialsInFlight: inFlight.length,
          connTimers: timers,
        },
      });
    }
  } finally {
    await conn.close();
    await inner.close();
    await world.close();
  }
}
