import type { ClientConn, MethodDescriptor } from "@dsim/core";
import type { Simulation } from "@dsim/sim-server";
import {
  checkCallerSignal,
  checkHealthyCalls,
  checkPendingAtClose,
  checkRemovedAddressReleased,
  checkStatusProbes,
  type OutcomeFact,
  type ProbeFact,
  type TransitionFact,
  type Violation,
} from "../../invariants/conn/index.js";
import type { ConnCase } from "./conn-case.js";
import type { ConnServer } from "./conn-stack.js";
import type { CountingSignal } from "./counting-signal.js";
import type { FaultDriver } from "./fault-driver.js";
import type { SpyDialer } from "./spy-dialer.js";
import { LATE_PROBE_MS, STATUS_METHOD } from "./world.js";

/** Extra options of one workload call. */
export interface CallExtras {
  readonly method?: MethodDescriptor<Uint8Array, Uint8Array>;
  readonly signal?: AbortSignal;
  readonly metadata?: { readonly [key: string]: string[] };
}

/** Starts one RPC and records its outcome (the run's `call`). */
export type StartCall = (
  id: string,
  waitForReady: boolean,
  deadlineMs: number,
  delayMs?: number,
  extras?: CallExtras,
) => { outcome: OutcomeFact; done: Promise<void> };

/** What the targeted phases need from the run. */
export interface PhaseContext {
  readonly sim: Simulation;
  readonly conn: ClientConn;
  readonly testCase: ConnCase;
  readonly servers: readonly ConnServer[];
  readonly addresses: readonly string[];
  readonly spy: SpyDialer;
  readonly driver: FaultDriver;
  readonly transitions: readonly TransitionFact[];
  readonly call: StartCall;
  /** The caller signal every phase's reusing calls share. */
  readonly shared: CountingSignal;
  /** Port-level invariants, checked now. */
  readonly safety: () => void;
  /** too_many_pings GOAWAYs the servers sent so far (they make a server "unhealthy"). */
  readonly tooManyPingsSent: () => number;
  /** Runs until `predicate` holds or `timeoutMs` passed (stops early on a ping storm). */
  readonly until: (predicate: () => boolean, timeoutMs: number) => Promise<void>;
  readonly fail: (violations: readonly Violation[]) => void;
}

/** True when every address's latest subchannel state is READY or IDLE (or it has none). */
export function settled(
  transitions: readonly TransitionFact[],
  addresses: readonly string[],
): boolean {
  return addresses.every((address) => {
    let last: string | undefined;
    for (const x of transitions) if (x.scope === address) last = x.to;
    return last === undefined || last === "READY" || last === "IDLE" || last === "SHUTDOWN";
  });
}

/** How long the removed-while-connecting phase waits for the subchannels to settle. */
const LIVENESS_WAIT_MS = 200_000;

/** How long after close() a pending RPC may take to fail (one settle of promise jobs). */
export const CLOSE_SETTLE_MS = 5;

const identity = { encode: (b: Uint8Array) => b, decode: (b: Uint8Array) => b };
const statusMethod: MethodDescriptor<Uint8Array, Uint8Array> = {
  path: STATUS_METHOD,
  requestCodec: identity,
  responseCodec: identity,
};

async function settle(ctx: PhaseContext, calls: readonly OutcomeFact[], ms: number): Promise<void> {
  await ctx.until(() => calls.every((o) => o.settledAt !== undefined), ms);
}

/**
 * Healthy phase (right after liveness): every server is up and no fault is active, so fail-fast
 * RPCs with a generous deadline must each succeed — judged per call, not in aggregate.
 */
export async function healthyPhase(ctx: PhaseContext): Promise<void> {
  const before = ctx.tooManyPingsSent();
  const calls: OutcomeFact[] = [];
  for (let i = 0; i < 3; i++) {
    calls.push(ctx.call(`healthy-${i}`, false, 10_000).outcome);
    await ctx.sim.runFor(1 + ctx.testCase.latencyMs);
  }
  await settle(ctx, calls, 11_000);
  ctx.safety();
  if (ctx.tooManyPingsSent() === before) ctx.fail(checkHealthyCalls(calls));
}

/**
 * Status phase: servers end calls with CANCELLED, UNKNOWN, INTERNAL, RESOURCE_EXHAUSTED,
 * UNAVAILABLE, OK without a message or with two, or too late; every probe reuses one caller
 * signal, as do `sharedSignalCalls` echo calls (some of which run out their deadline).
 */
export async function statusPhase(ctx: PhaseContext, withProbes: boolean): Promise<void> {
  const probes: ProbeFact[] = [];
  const calls: OutcomeFact[] = [];
  const signal = ctx.shared.signal;
  if (withProbes) {
    for (const probe of ctx.testCase.statusProbes) {
      const id = `status-${probe}`;
      const deadlineMs = probe === "deadline" ? LATE_PROBE_MS / 2 : 10_000;
      const { outcome } = ctx.call(id, true, deadlineMs, undefined, {
        method: statusMethod,
        signal,
        metadata: { "x-status": [probe] },
      });
      probes.push({ probe, outcome });
      calls.push(outcome);
    }
  }
  for (let i = 0; i < ctx.testCase.interleavings.sharedSignalCalls; i++) {
    // Every other call outlives its deadline on the server.
    const late = i % 2 === 1;
    calls.push(
      ctx.call(`shared-${i}`, i % 3 !== 0, late ? 200 : 10_000, late ? 1_000 : undefined, {
        signal,
      }).outcome,
    );
  }
  await settle(ctx, calls, LATE_PROBE_MS + 11_000);
  ctx.safety();
  ctx.fail([
    ...checkStatusProbes(probes),
    ...checkCallerSignal(ctx.shared.listeners(), calls.length, "after the status phase"),
  ]);
}

/**
 * Removed-while-connecting phase (≥ 2 servers): the first server's connections are dropped and
 * new ones hang (blackhole) or are refused; an RPC makes the first subchannel CONNECTING; the
 * address is removed while it is; its dial then hangs or fails. The removed address must be
 * released (no dial in flight, no transport open), and fail-fast RPCs made after the removal
 * succeed on the healthy servers.
 */
export async function removedWhileConnectingPhase(ctx: PhaseContext): Promise<void> {
  const [first] = ctx.servers;
  const address = ctx.addresses[0];
  if (ctx.servers.length < 2 || first === undefined || address === undefined) return;
  // Healthy means known to be healthy: a subchannel still in backoff from an earlier fault fails
  // fail-fast RPCs by the spec. Wait until every subchannel is READY or IDLE first.
  await ctx.until(
    () => ctx.spy.inFlight().length === 0 && settled(ctx.transitions, ctx.addresses),
    LIVENESS_WAIT_MS,
  );
  if (!settled(ctx.transitions, ctx.addresses)) return;
  const before = ctx.tooManyPingsSent();
  const from = ctx.sim.now();
  first.setConnectionMode(ctx.testCase.interleavings.removedDial);
  first.closeConnections({ reset: false });
  const calls = [ctx.call("rwc-0", true, 30_000).outcome];
  await ctx.until(
    () => ctx.transitions.some((x) => x.t >= from && x.scope === address && x.to === "CONNECTING"),
    30_000,
  );
  const removedAt = ctx.sim.now();
  ctx.driver.setAddresses(ctx.addresses.slice(1));
  for (let i = 1; i <= 3; i++) {
    calls.push(ctx.call(`rwc-${i}`, false, 10_000).outcome);
    await ctx.sim.runFor(50);
  }
  await settle(ctx, calls, 31_000);
  // The refused dial's answer arrives after the removal; give it a round trip and more.
  await ctx.sim.runFor(4 * ctx.testCase.latencyMs + 10);
  ctx.safety();
  ctx.fail(checkRemovedAddressReleased(ctx.spy, address, removedAt));
  if (ctx.tooManyPingsSent() === before) ctx.fail(checkHealthyCalls(calls.slice(1)));
  first.setConnectionMode("normal");
  ctx.driver.setAddresses(ctx.addresses);
}

/**
 * After the address phase removed the first address (its streams had all ended): a round trip
 * later its subchannel's connection is closed and no dial to it is in flight.
 */
export async function removedAddressReleased(ctx: PhaseContext, removedAt: number): Promise<void> {
  const address = ctx.addresses[0];
  if (address === undefined) return;
  await ctx.sim.runFor(4 * ctx.testCase.latencyMs + 10);
  ctx.fail(checkRemovedAddressReleased(ctx.spy, address, removedAt));
}

/**
 * Close phase, the first half: brings the channel to the moment close() is called — an attempt
 * CONNECTING, or (mode "backoff") every server refusing, a wait-for-ready RPC pending and a
 * subchannel in TRANSIENT_FAILURE backoff for `closeAfterMs`. Returns the RPCs pending then.
 */
export async function beforeClose(ctx: PhaseContext): Promise<OutcomeFact[]> {
  const { interleavings, latencyMs } = ctx.testCase;
  if (interleavings.close === "connecting") {
    ctx.conn.connect();
    await ctx.sim.runFor(latencyMs);
    return [];
  }
  for (const server of ctx.servers) {
    server.setConnectionMode("refuse");
    server.closeConnections({ reset: false });
  }
  const from = ctx.sim.now();
  const pending = [
    ctx.call("close-pending-0", true, 600_000).outcome,
    ctx.call("close-pending-1", true, 600_000, undefined, { signal: ctx.shared.signal }).outcome,
  ];
  await ctx.until(
    () =>
      ctx.transitions.some(
        (x) => x.t >= from && x.scope !== "channel" && x.to === "TRANSIENT_FAILURE",
      ),
    60_000,
  );
  await ctx.sim.runFor(interleavings.closeAfterMs);
  return pending.filter((o) => o.settledAt === undefined);
}

/** Close phase, the second half: pending RPCs failed at once, nothing left on the caller's signal. */
export async function afterClose(
  ctx: PhaseContext,
  pending: readonly OutcomeFact[],
  closedAt: number,
): Promise<void> {
  await ctx.sim.runFor(CLOSE_SETTLE_MS);
  ctx.fail([
    ...checkPendingAtClose(pending, closedAt, CLOSE_SETTLE_MS),
    ...checkCallerSignal(ctx.shared.listeners(), 0, "after close()"),
  ]);
  // DESIGN: once close() resolved the channel owns no timer — not merely none after they fire.
  const timers = ctx.sim.pendingTimers("conn");
  if (timers > 0) {
    ctx.fail([
      {
        invariant: "conn.no-leak-after-close",
        message: `${timers} timer(s) of the channel still pending ${CLOSE_SETTLE_MS} ms after close() resolved`,
        details: { connTimers: timers, closedAt },
      },
    ]);
  }
  for (const server of ctx.servers) server.setConnectionMode("normal");
}
