import type { ObservedLease } from "@dsim/scenarios";
import {
  EtcdCluster,
  leaseServiceDefinition,
  type Simulation,
  serveGrpcJs,
} from "@dsim/sim-server";
import * as grpc from "@grpc/grpc-js";
import { Etcd3 } from "etcd3";
import { clusterLeaseService } from "./cluster-lease-service.js";

/** One case: a lease kept alive by etcd3, then the client is cut off from the cluster. */
export interface PartitionCase {
  /** The lease's TTL in seconds. */
  readonly ttlSeconds: number;
  /** When the client is partitioned from the cluster, virtual ms. */
  readonly partitionAtMs: number;
  /** How long the partition lasts (the suite makes it longer than the TTL). */
  readonly partitionMs: number;
  /** One-way latency between the app and the member. */
  readonly latencyMs: number;
}

/** What the case observed from outside etcd3: the server's lease, and when `lost` fired. */
export interface PartitionObservations {
  /** The lease as the fake etcd saw it (keep-alives received, expiry), if it was granted. */
  readonly lease: ObservedLease | undefined;
  /** When etcd3 emitted `lost`, if it did. */
  readonly lostAt: number | undefined;
}

const HOST = "etcd-0";
const ADDRESS = `${HOST}:2379`;
/** Virtual time after the partition heals, so a late `lost` is still seen. */
const AFTER_HEAL_MS = 30_000;

/**
 * Runs etcd3 1.1.2, unmodified, against the fake etcd cluster of `@dsim/sim-server` (one member,
 * which expires leases on virtual time) served by a real grpc-js server on virtual sockets; the
 * client's channels dial through `installSockets`, its timers run on virtual time
 * (`installGlobals`). At `partitionAtMs` the client is partitioned from the member for
 * `partitionMs`. The lease's keep-alives and expiry are read from the cluster's observer, i.e.
 * from outside the client.
 */
export async function runPartitionCase(
  sim: Simulation,
  c: PartitionCase,
): Promise<PartitionObservations> {
  sim.net.setLink("client", HOST, { latencyMs: c.latencyMs });
  const leases = new Map<bigint, { ttlMs: number; keepAlives: number[]; expiredAt?: number }>();
  const cluster = new EtcdCluster({
    clock: sim.clockFor("etcd"),
    random: sim.randomFor("etcd"),
    members: 1,
    trace: sim.trace,
    observer: {
      onLeaseEvent: (event) => {
        if (event.kind === "grant") {
          leases.set(event.id, { ttlMs: event.ttl * 1_000, keepAlives: [] });
        } else if (event.kind === "renew" && event.ttl > 0) {
          leases.get(event.id)?.keepAlives.push(event.at);
        } else if (event.kind === "expire") {
          const lease = leases.get(event.id);
          if (lease !== undefined) lease.expiredAt ??= event.at;
        }
      },
    },
  });
  const globals = sim.installGlobals();
  const sockets = sim.installSockets();
  const server = new grpc.Server();
  server.addService(leaseServiceDefinition, clusterLeaseService(cluster));
  const serving = serveGrpcJs(sim, ADDRESS, server);
  const client = new Etcd3({ hosts: `http://${ADDRESS}` });
  let lostAt: number | undefined;
  let grantedId: bigint | undefined;
  // `close()` may end the lease too; only what etcd3 reported while running is judged.
  let running = true;
  try {
    const lease = client.lease(c.ttlSeconds);
    lease.on("lost", () => {
      if (running) lostAt ??= sim.now();
    });
    lease.grant().then(
      (id) => {
        grantedId = BigInt(id);
      },
      () => undefined,
    );
    await sim.runFor(c.partitionAtMs);
    sim.net.partition("client", HOST);
    await sim.runFor(c.partitionMs);
    sim.net.heal("client", HOST);
    await sim.runFor(AFTER_HEAL_MS);
  } finally {
    running = false;
    client.close();
    await sim.runFor(1_000).catch(() => undefined);
    serving.destroy();
    server.forceShutdown();
    await cluster.close();
    sockets[Symbol.dispose]();
    globals[Symbol.dispose]();
  }
  const seen = grantedId === undefined ? undefined : leases.get(grantedId);
  return {
    lease:
      grantedId === undefined || seen === undefined
        ? undefined
        : {
            id: grantedId,
            ttlMs: seen.ttlMs,
            keepAlives: seen.keepAlives,
            ...(seen.expiredAt === undefined ? {} : { expiredAt: seen.expiredAt }),
          },
    lostAt,
  };
}
