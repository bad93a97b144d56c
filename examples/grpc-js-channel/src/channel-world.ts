import type { Attempt } from "@dsim/scenarios";
import type { Simulation } from "@dsim/sim-server";
import * as grpc from "@grpc/grpc-js";
import { type ChannelCase, type Fault, faultEnd, type RpcOutcome } from "./channel-case.js";
import { type TappedConnection, tapClientConnections } from "./client-wire-tap.js";
import { echoClient, echoServer } from "./echo-service.js";
import { serveTapped, type TappedServing } from "./grpc-serving.js";

/** The server's virtual host and the address the channel targets. */
export const HOST = "echo-1";
export const ADDRESS = `${HOST}:50051`;
/** The client's virtual host (installSockets' default). */
export const CLIENT_HOST = "client";

/** What a case observed, all from outside grpc-js. */
export interface ChannelObservations {
  /** Every TCP connection attempt to the server (from the network's trace). */
  readonly attempts: readonly Attempt[];
  /** Every client connection's HTTP/2 frames (the client wire tap). */
  readonly connections: readonly TappedConnection[];
  /** How often a server handler ran each RPC. */
  readonly processed: ReadonlyMap<string, number>;
  /** How each RPC ended; an RPC that never ended is missing. */
  readonly outcomes: readonly RpcOutcome[];
  /** Virtual ms the client's `close()` was called and the run ended. */
  readonly closedAt: number;
  readonly endedAt: number;
  /** Pending `globals` timers and open client connections once the client closed and settled. */
  readonly leftAfterClose: { readonly timers: number; readonly connections: string[] };
}

/** Virtual time the run keeps going after the last RPC's deadline and the last fault's end. */
const SETTLE_MS = 5_000;
/** Virtual time given to `close()` before looking for leftovers. */
const CLOSE_MS = 30_000;

type Step = { readonly at: number; readonly act: () => void };

/**
 * Runs @grpc/grpc-js 1.14.7, unmodified: a `makeGenericClientConstructor` client on `echo-1:50051`
 * reaches a grpc-js server (served by `serveGrpcJs`) through `installSockets` (DNS and
 * `net.connect`), its timers and `Math.random` on virtual time (`installGlobals`). The workload and
 * the faults are applied at their virtual times; everything judged is read outside grpc-js.
 */
export async function runChannelCase(
  sim: Simulation,
  c: ChannelCase,
): Promise<ChannelObservations> {
  sim.net.setLink(CLIENT_HOST, HOST, {
    latencyMs: c.latencyMs,
    jitterMs: c.jitterMs,
    loss: c.loss,
  });
  const attempts = traceAttempts(sim);
  const globals = sim.installGlobals();
  const sockets = sim.installSockets();
  const tap = tapClientConnections(() => sim.now());
  const processed = new Map<string, number>();
  let server = echoServer(processed, c.handlerMs);
  let current: TappedServing | undefined = serveTapped(sim, ADDRESS, server);
  const client = echoClient(ADDRESS);
  const outcomes: RpcOutcome[] = [];
  let closedAt = 0;
  let leftAfterClose = { timers: 0, connections: [] as string[] };
  try {
    const steps: Step[] = [];
    for (const [index, rpc] of c.rpcs.entries()) {
      steps.push({
        at: rpc.atMs,
        act: () => {
          const name = `rpc-${index}`;
          const at = sim.now();
          // grpc-js takes wait-for-ready as a metadata option, not a call option.
          const metadata = new grpc.Metadata({ waitForReady: rpc.waitForReady });
          const options: grpc.CallOptions = { deadline: new Date(Date.now() + rpc.deadlineMs) };
          client.Echo(Buffer.from(name, "latin1"), metadata, options, (error) => {
            outcomes.push({
              name,
              at,
              waitForReady: rpc.waitForReady,
              deadlineMs: rpc.deadlineMs,
              endedAt: sim.now(),
              code: error === null ? grpc.status.OK : error.code,
            });
          });
        },
      });
    }
    // Overlapping outages: the server goes down at the first one's start, comes back after the last.
    let outages = 0;
    const down = (how: "refuse" | "crash"): void => {
      outages += 1;
      if (outages > 1 || current === undefined) return;
      if (how === "refuse") {
        current.serving.close();
        resetAll(current);
      } else {
        current.serving.destroy();
        server.forceShutdown();
      }
      current = undefined;
    };
    const up = (): void => {
      outages -= 1;
      if (outages > 0) return;
      server.forceShutdown();
      server = echoServer(processed, c.handlerMs);
      current = serveTapped(sim, ADDRESS, server);
    };
    for (const fault of c.faults) steps.push(...faultSteps(sim, fault, () => current, down, up));
    const lastDeadline = Math.max(0, ...c.rpcs.map((r) => r.atMs + r.deadlineMs));
    const closeAt = c.closeAtMs ?? Math.max(lastDeadline, ...c.faults.map(faultEnd)) + SETTLE_MS;
    steps.push({
      at: closeAt,
      act: () => {
        closedAt = sim.now();
        client.close();
      },
    });
    // Stable order: by time, then in the order the case lists them (RPCs, faults, close).
    const ordered = steps.map((step, index) => ({ step, index }));
    ordered.sort((a, b) => a.step.at - b.step.at || a.index - b.index);
    for (const { step } of ordered) {
      if (step.at > sim.now()) await sim.runFor(step.at - sim.now());
      step.act();
    }
    const checkAt = Math.max(sim.now(), closeAt + CLOSE_MS);
    if (checkAt > sim.now()) await sim.runFor(checkAt - sim.now());
    leftAfterClose = {
      timers: sim.pendingTimers("globals"),
      connections: sim.net
        .openConnectionInfo()
        .filter((info) => info.from === CLIENT_HOST && info.client !== "closed")
        .map((info) => `${info.id}→${info.address}`),
    };
  } finally {
    client.close();
    current?.serving.destroy();
    server.forceShutdown();
    await sim.runFor(1_000).catch(() => undefined);
    tap[Symbol.dispose]();
    sockets[Symbol.dispose]();
    globals[Symbol.dispose]();
    attempts.stop();
  }
  return {
    attempts: attempts.list(),
    connections: tap.connections,
    processed,
    outcomes,
    closedAt,
    endedAt: sim.now(),
    leftAfterClose,
  };
}

function resetAll(serving: TappedServing | undefined): void {
  for (const { socket } of serving?.accepted ?? []) socket.destroy();
}

const partitionDepth = new WeakMap<Simulation, number>();

/** Overlapping partitions: the link heals when the last one ends. */
function partitions(sim: Simulation, change: 1 | -1): void {
  const before = partitionDepth.get(sim) ?? 0;
  partitionDepth.set(sim, before + change);
  if (before === 0 && change === 1) sim.net.partition(CLIENT_HOST, HOST);
  if (before === 1 && change === -1) sim.net.heal(CLIENT_HOST, HOST);
}

function faultSteps(
  sim: Simulation,
  fault: Fault,
  current: () => TappedServing | undefined,
  down: (how: "refuse" | "crash") => void,
  up: () => void,
): Step[] {
  switch (fault.kind) {
    case "drain":
      return [{ at: fault.atMs, act: () => current()?.serving.drain(fault.graceMs) }];
    case "reset":
      return [{ at: fault.atMs, act: () => resetAll(current()) }];
    case "partition":
      return [
        { at: fault.atMs, act: () => partitions(sim, +1) },
        { at: fault.atMs + fault.forMs, act: () => partitions(sim, -1) },
      ];
    case "refuse":
      return [
        { at: fault.atMs, act: () => down("refuse") },
        { at: fault.atMs + fault.forMs, act: up },
      ];
    case "restart":
      return [
        { at: fault.atMs, act: () => down("crash") },
        { at: fault.atMs + fault.downMs, act: up },
      ];
  }
}
/** Connection attempts from the client to {@link ADDRESS}, read from the network's trace. */
function traceAttempts(sim: Simulation): { list(): Attempt[]; stop(): void } {
  const attempts = new Map<number, { start: number; end?: number; ok?: boolean }>();
  const stop = sim.trace.subscribe((event) => {
    const id = typeof event.data.id === "number" ? event.data.id : -1;
    if (event.kind === "net.connect" && event.data.address === ADDRESS) {
      attempts.set(id, { start: event.t });
      return;
    }
    const attempt = attempts.get(id);
    if (attempt === undefined || attempt.end !== undefined) return;
    if (event.kind === "net.connected") {
      attempt.end = event.t;
      attempt.ok = true;
    } else if (["net.refused", "net.reset", "net.abort", "net.close"].includes(event.kind)) {
      attempt.end = event.t;
      attempt.ok = false;
    }
  });
  return {
    list: () =>
      [...attempts.values()].map((a) => ({
        address: ADDRESS,
        start: a.start,
        ...(a.end === undefined ? {} : { end: a.end }),
        ok: a.ok === true,
      })),
    stop,
  };
}
