import { ClientConn, GrpcLeaseClient, type LeaseClient, Lessor, type Logger } from "@dsim/core";
import { EtcdCluster, type EtcdLeaseObserver, type Simulation } from "@dsim/sim-server";
import { VirtualHttp2Dialer } from "../conn-http2/virtual-http2-dialer.js";
import type { LeaseCase } from "../lease/lease-case.js";
import { type LeaseWorld, streamEndError } from "../lease/lease-world.js";
import { ListenerAuditLeaseClient } from "../lease/listener-audit-lease-client.js";
import { RecordingLeaseClient } from "../lease/recording-lease-client.js";
import { etcdLeaseService, type KeepAliveDrops } from "./etcd-lease-service.js";
import { EtcdMemberServer } from "./etcd-member-server.js";

/** The client's host on the virtual network. */
const CLIENT_HOST = "client";

/** Options of {@link buildHttp2LeaseWorld} (those of the lease suite's world builder). */
export interface Http2LeaseWorldOptions {
  readonly keepTimes?: boolean;
  readonly traceLessor?: boolean;
  readonly observer?: EtcdLeaseObserver;
}

/** The client side of a wire lease world: a LeaseClient over the members, and how to close it. */
export interface WireLeaseClient {
  readonly client: LeaseClient;
  close(): Promise<void>;
}

/** Makes the wire client for the members at `addresses` (`host:port` on the virtual network). */
export type WireLeaseClientFactory = (
  sim: Simulation,
  addresses: readonly string[],
) => WireLeaseClient;

/** `GrpcLeaseClient` → `ClientConn` → core's `Http2Dialer` (node:http2) on virtual sockets. */
export const http2LeaseClient: WireLeaseClientFactory = (sim, addresses) => {
  const dialer = new VirtualHttp2Dialer(sim, CLIENT_HOST);
  const conn = new ClientConn({
    target: [...addresses],
    dialer,
    clock: sim.clockFor("conn"),
    random: sim.randomFor("conn"),
  });
  return {
    client: new GrpcLeaseClient(conn),
    close: async () => {
      await conn.close();
      await dialer.close();
    },
  };
};

function traceLogger(sim: Simulation): Logger {
  return {
    log: (level, message, fields) => {
      const leaseId = fields?.leaseId;
      sim.trace.record("lessor", `log.${level}`, {
        message,
        ...(typeof leaseId === "bigint" ? { leaseId } : {}),
      });
    },
  };
}

/**
 * The lease suite's world on the production wire stack: the fake etcd cluster served by one real
 * grpc-js server per member on virtual sockets, and the Lessor over `GrpcLeaseClient` →
 * `ClientConn` → core's `Http2Dialer` (node:http2) on virtual sockets. GOAWAY goes through the
 * grpc-js server's HTTP/2 sessions, latency and restarts through `sim.net`, keep-alive losses
 * through the service. The case's `transport` field is ignored: this world is always the wire.
 */
export function buildWireLeaseWorld(
  sim: Simulation,
  testCase: LeaseCase,
  options: Http2LeaseWorldOptions,
  makeClient: WireLeaseClientFactory,
): LeaseWorld {
  const cluster = new EtcdCluster(
    {
      clock: sim.clockFor("etcd"),
      random: sim.randomFor("etcd"),
      members: testCase.members,
      electionTimeoutMs: testCase.electionTimeoutMs,
      trace: sim.trace,
      ...(options.observer === undefined ? {} : { observer: options.observer }),
    },
    { keepTimes: options.keepTimes ?? true, requireLeaderOnly: true },
  );
  const drops: KeepAliveDrops = { requests: 0, responses: 0 };
  const chosen = { requests: 0, responses: 0, partition: false };
  const apply = (): void => {
    drops.requests = chosen.partition ? 1 : chosen.requests;
    drops.responses = chosen.partition ? 1 : chosen.responses;
  };
  const random = sim.randomFor("lease-http2-drops");
  const servers: EtcdMemberServer[] = [];
  for (let i = 0; i < testCase.members; i++) {
    const server = new EtcdMemberServer(
      sim,
      `etcd-${i}:2379`,
      etcdLeaseService(cluster, i, drops, random),
    );
    server.start();
    servers.push(server);
    sim.net.setLink(CLIENT_HOST, `etcd-${i}`, { latencyMs: testCase.latencyMs });
  }
  let latencyMs = testCase.latencyMs;
  const wire = makeClient(
    sim,
    servers.map((server) => server.address),
  );
  const recorder = new RecordingLeaseClient(wire.client, () => sim.now());
  const listenerAudit = new ListenerAuditLeaseClient(recorder);
  const lessor = new Lessor({
    clock: sim.clockFor("lessor"),
    metadata: { "client-api-version": ["3.4"] },
    ...(options.traceLessor === false ? {} : { logger: traceLogger(sim) }),
    client: listenerAudit,
  });
  return {
    cluster,
    lessor,
    streams: recorder.streams,
    listenerAudit,
    endStreams: (status) => {
      for (let i = 0; i < testCase.members; i++) {
        if (cluster.isUp(i)) cluster.endStreams(i, streamEndError(status));
      }
    },
    setLatency: (ms) => {
      latencyMs = ms;
      for (let i = 0; i < servers.length; i++) {
        sim.net.setLink(CLIENT_HOST, `etcd-${i}`, { latencyMs: ms });
      }
    },
    setDrops: (kind, p) => {
      chosen[kind] = p;
      apply();
    },
    setPartition: (on) => {
      chosen.partition = on;
      apply();
    },
    goaway: () => {
      for (const server of servers) if (server.running) server.goaway(2 * latencyMs + 1);
    },
    restart: (index, downMs) => {
      cluster.restartMember(index, downMs);
      const server = servers[index];
      if (server?.running === true) server.restart(downMs);
    },
    close: async () => {
      await wire.close();
      for (const server of servers) server.close();
      await cluster.close();
    },
  };
}

/** The lease world over core's own gRPC stack and node:http2 (the `lease-http2` suite). */
export function buildHttp2LeaseWorld(
  sim: Simulation,
  testCase: LeaseCase,
  options: Http2LeaseWorldOptions = {},
): LeaseWorld {
  return buildWireLeaseWorld(sim, testCase, options, http2LeaseClient);
}
