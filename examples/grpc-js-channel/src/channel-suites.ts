import {
  checkBackoffSpacing,
  checkNoResendOfProcessed,
  checkNoStreamAfterGoaway,
  checkOnlyCurrentAddresses,
  defineSuite,
  expectNoViolations,
  fc,
  GRPC_BACKOFF,
  type Violation,
} from "@dsim/scenarios";
import type { ChannelCase, Fault } from "./channel-case.js";
import {
  checkFailFast,
  checkOutcomes,
  checkWaitForReady,
  goawayConnections,
  rpcSends,
  writtenRpcs,
} from "./channel-checks.js";
import { ADDRESS, type ChannelObservations, runChannelCase } from "./channel-world.js";

/** Virtual sockets under grpc-js: the run loop turns the real event loop between timers. */
const SIMULATION = { maxBusyTurns: 10_000_000 };

const rpc = fc.record({
  atMs: fc.integer({ min: 0, max: 30_000 }),
  waitForReady: fc.boolean(),
  deadlineMs: fc.integer({ min: 500, max: 10_000 }),
});

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    kind: fc.constant("drain" as const),
    atMs: fc.integer({ min: 0, max: 30_000 }),
    graceMs: fc.integer({ min: 0, max: 10_000 }),
  }),
  fc.record({
    kind: fc.constant("restart" as const),
    atMs: fc.integer({ min: 0, max: 30_000 }),
    downMs: fc.integer({ min: 0, max: 20_000 }),
  }),
  fc.record({
    kind: fc.constant("refuse" as const),
    atMs: fc.integer({ min: 0, max: 30_000 }),
    forMs: fc.integer({ min: 100, max: 30_000 }),
  }),
  fc.record({ kind: fc.constant("reset" as const), atMs: fc.integer({ min: 0, max: 30_000 }) }),
  fc.record({
    kind: fc.constant("partition" as const),
    atMs: fc.integer({ min: 0, max: 30_000 }),
    forMs: fc.integer({ min: 100, max: 30_000 }),
  }),
);

/** A reset takes at most this long to reach the client (latency, jitter, a few retransmissions). */
const REACH_MS = 1_000;

/** Windows in which the server certainly offers no connection (cut, and refusing new ones). */
function unreachableWindows(faults: readonly Fault[]): { from: number; to: number }[] {
  return faults.flatMap((f) => {
    if (f.kind === "refuse") return [{ from: f.atMs + REACH_MS, to: f.atMs + f.forMs }];
    if (f.kind === "restart") return [{ from: f.atMs + REACH_MS, to: f.atMs + f.downMs }];
    return [];
  });
}

/** The client-side invariants, most specific first; backoff last (its finding is pinned). */
function channelViolations(c: ChannelCase, seen: ChannelObservations): Violation[][] {
  const planned = c.rpcs.map((r, index) => ({
    name: `rpc-${index}`,
    at: r.atMs,
    deadlineMs: r.deadlineMs,
  }));
  return [
    checkOnlyCurrentAddresses(seen.attempts, [{ at: 0, addresses: [ADDRESS] }]),
    checkNoStreamAfterGoaway(goawayConnections(seen.connections)),
    checkNoResendOfProcessed(rpcSends(seen.connections, seen.processed)),
    checkOutcomes(planned, seen.outcomes, 0),
    checkWaitForReady(seen.outcomes, writtenRpcs(seen.connections), unreachableWindows(c.faults)),
    checkFailFast(seen.outcomes, seen.connections, unreachableWindows(c.faults)),
    leftovers(seen),
    checkBackoffSpacing(seen.attempts, GRPC_BACKOFF, seen.closedAt),
  ];
}

/**
 * `conn.nothing-left-after-close`: after `client.close()` no connection attempt starts, and 30
 * virtual s later no global timer is pending and no client connection is open.
 */
function leftovers(seen: ChannelObservations): Violation[] {
  const dials = seen.attempts.filter((a) => a.start > seen.closedAt);
  const { timers, connections } = seen.leftAfterClose;
  if (dials.length === 0 && timers === 0 && connections.length === 0) return [];
  return [
    {
      invariant: "conn.nothing-left-after-close",
      message: `client.close() at ${seen.closedAt}: ${dials.length} connection attempt(s) after it (first at ${dials[0]?.start ?? "-"}); 30 s later ${timers} global timer(s) pending, open connection(s): ${connections.join(", ") || "none"}`,
      details: {
        closedAt: seen.closedAt,
        dialsAfterClose: dials.length,
        timers,
        connections: connections.length,
      },
    },
  ];
}

/**
 * grpc-js's channel under server GOAWAYs (injector drain), restarts, refusals, resets and
 * partitions, with fail-fast and wait-for-ready RPCs.
 */
export const channelFaults = defineSuite<ChannelCase>({
  name: "grpc-js-channel-faults",
  description:
    "@grpc/grpc-js 1.14.7 client channel: unary RPCs through server drains, restarts, refusals, resets and partitions",
  defaultRuns: 30,
  simulation: SIMULATION,
  arbitrary: fc.record({
    latencyMs: fc.integer({ min: 1, max: 20 }),
    jitterMs: fc.integer({ min: 0, max: 5 }),
    loss: fc.constantFrom(0, 0, 0.02),
    handlerMs: fc.integer({ min: 0, max: 3_000 }),
    rpcs: fc.array(rpc, { minLength: 1, maxLength: 10 }),
    faults: fc.array(fault, { minLength: 0, maxLength: 2 }),
  }),
  plan: (c) => JSON.parse(JSON.stringify(c)),
  async run(sim, c) {
    const seen = await runChannelCase(sim, c);
    expectNoViolations(...channelViolations(c, seen));
  },
});

/**
 * The application closes the client while its channel is in TRANSIENT_FAILURE (the server refuses
 * connections, a wait-for-ready RPC is pending) and the server comes back later. After `close()`
 * nothing of the channel may remain: no dial, no timer, no connection.
 */
export const closeInBackoff = defineSuite<ChannelCase>({
  name: "grpc-js-close-in-backoff",
  description: "grpc-js client closed while its subchannel backs off from a refusing server",
  defaultRuns: 20,
  simulation: SIMULATION,
  arbitrary: fc
    .record({
      latencyMs: fc.integer({ min: 1, max: 20 }),
      downMs: fc.integer({ min: 2_000, max: 30_000 }),
      deadlineMs: fc.integer({ min: 1_000, max: 30_000 }),
      closeAtMs: fc.integer({ min: 500, max: 30_000 }),
    })
    .map(
      (p): ChannelCase => ({
        latencyMs: p.latencyMs,
        jitterMs: 0,
        loss: 0,
        handlerMs: 0,
        rpcs: [{ atMs: 0, waitForReady: true, deadlineMs: p.deadlineMs }],
        faults: [{ kind: "refuse", atMs: 0, forMs: p.downMs }],
        closeAtMs: p.closeAtMs,
      }),
    ),
  plan: (c) => JSON.parse(JSON.stringify(c)),
  async run(sim, c) {
    const seen = await runChannelCase(sim, c);
    expectNoViolations(leftovers(seen));
  },
});

/**
 * The network drops everything between client and server (a partition, a black-holed route) before
 * the first connection, for longer than gRPC's minimum connect timeout (20 s): the attempt must end
 * by its connect deadline (doc/connection-backoff.md) and go to backoff, not hang.
 */
export const connectUnreachable = defineSuite<ChannelCase>({
  name: "grpc-js-connect-unreachable",
  description: "grpc-js connecting to a server behind a partition longer than 20 s",
  defaultRuns: 10,
  simulation: SIMULATION,
  arbitrary: fc
    .record({
      latencyMs: fc.integer({ min: 1, max: 20 }),
      partitionMs: fc.integer({ min: 21_000, max: 60_000 }),
      deadlineMs: fc.integer({ min: 1_000, max: 60_000 }),
    })
    .map(
      (p): ChannelCase => ({
        latencyMs: p.latencyMs,
        jitterMs: 0,
        loss: 0,
        handlerMs: 0,
        rpcs: [{ atMs: 0, waitForReady: true, deadlineMs: p.deadlineMs }],
        faults: [{ kind: "partition", atMs: 0, forMs: p.partitionMs }],
      }),
    ),
  plan: (c) => JSON.parse(JSON.stringify(c)),
  async run(sim, c) {
    const seen = await runChannelCase(sim, c);
    expectNoViolations(
      checkBackoffSpacing(seen.attempts, GRPC_BACKOFF, seen.closedAt).filter(
        (v) => v.invariant === "conn.connect-deadline",
      ),
    );
  },
});

/** The channel suites, listed by `src/grpc-js.suite.ts`'s default export. */
export const channelSuites = [channelFaults, closeInBackoff, connectUnreachable];
