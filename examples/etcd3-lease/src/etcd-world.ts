import type { Attempt } from "@dsim/scenarios";
import { listenVirtualSockets, type Simulation, type VirtualSocket } from "@dsim/sim-server";
import * as grpc from "@grpc/grpc-js";
import { Etcd3 } from "etcd3";
import { fakeLeaseServer } from "./fake-lease-service.js";

/** One case: a lease kept alive by etcd3 until the only member starts refusing connections. */
export interface LeaseCase {
  /** The lease's TTL in seconds. */
  readonly ttlSeconds: number;
  /** When the member's connections are cut and new ones refused, virtual ms. */
  readonly refuseAtMs: number;
  /** How long the case runs after that. */
  readonly afterMs: number;
  /** One-way latency between the app and the member. */
  readonly latencyMs: number;
}

/** What the case observed from the outside of etcd3. */
export interface LeaseObservations {
  /** Every connection attempt to the member after it started refusing. */
  readonly attempts: readonly Attempt[];
  /** When the lease was granted, and when etcd3 emitted `lost` (if it did). */
  readonly grantedAt: number | undefined;
  readonly lostAt: number | undefined;
}

const HOST = "etcd-1";
const ADDRESS = `${HOST}:2379`;

/**
 * Runs etcd3 1.1.2, unmodified: its grpc-js channels reach a grpc-js server through virtual
 * sockets (`installSockets`), their timers and `Math.random` run on virtual time
 * (`installGlobals`). Connection attempts are read from the network's trace, i.e. from outside
 * the client.
 */
export async function runLeaseCase(sim: Simulation, c: LeaseCase): Promise<LeaseObservations> {
  sim.net.setLink("client", HOST, { latencyMs: c.latencyMs });
  const attempts = new Map<number, { start: number; end?: number; ok?: boolean }>();
  const unsubscribe = sim.trace.subscribe((event) => {
    const id = typeof event.data.id === "number" ? event.data.id : -1;
    if (event.kind === "net.connect" && event.data.address === ADDRESS && event.t >= c.refuseAtMs) {
      attempts.set(id, { start: event.t });
    }
    const attempt = attempts.get(id);
    if (attempt === undefined || attempt.end !== undefined) return;
    if (event.kind === "net.refused" || event.kind === "net.reset") {
      attempt.end = event.t;
      attempt.ok = false;
    } else if (event.kind === "net.connected") {
      attempt.end = event.t;
      attempt.ok = true;
    }
  });
  const globals = sim.installGlobals();
  const sockets = sim.installSockets();
  const { server } = fakeLeaseServer(() => sim.now());
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const accepted: VirtualSocket[] = [];
  const listener = listenVirtualSockets(sim, ADDRESS, (socket) => {
    accepted.push(socket);
    // A VirtualSocket is a net.Socket-compatible Duplex, which is what grpc-js injects.
    injector.injectConnection(socket as unknown as import("node:stream").Duplex);
  });
  const client = new Etcd3({ hosts: `http://${ADDRESS}` });
  let grantedAt: number | undefined;
  let lostAt: number | undefined;
  try {
    const lease = client.lease(c.ttlSeconds);
    lease.on("lost", () => {
      lostAt ??= sim.now();
    });
    lease.grant().then(
      () => {
        grantedAt = sim.now();
      },
      () => undefined,
    );
    await sim.runFor(c.refuseAtMs);
    // The member goes away: open connections reset, new ones refused.
    listener.close();
    for (const socket of accepted) socket.destroy();
    await sim.runFor(c.afterMs);
  } finally {
    client.close();
    await sim.runFor(1_000).catch(() => undefined);
    server.forceShutdown();
    sockets[Symbol.dispose]();
    globals[Symbol.dispose]();
    unsubscribe();
  }
  return {
    attempts: [...attempts.values()].map((a) => ({
      address: ADDRESS,
      start: a.start,
      ...(a.end === undefined ? {} : { end: a.end }),
      ok: a.ok === true,
    })),
    grantedAt,
    lostAt,
  };
}
