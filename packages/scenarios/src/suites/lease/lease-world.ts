import {
  ClientConn,
  GrpcCode,
  GrpcLeaseClient,
  type LeaseClient,
  LeaseMethod,
  Lessor,
  type Logger,
} from "@dsim/core";
import {
  EtcdCluster,
  type EtcdLeaseObserver,
  EtcdStatusError,
  EtcdTransportError,
  GrpcDialer,
  GrpcServer,
  InProcessLeaseClient,
  type Simulation,
  serveEtcdLease,
} from "@dsim/sim-server";
import type { LeaseCase, StreamEndStatus } from "./lease-case.js";
import { ListenerAuditLeaseClient } from "./listener-audit-lease-client.js";
import { RecordingLeaseClient, type StreamFact } from "./recording-lease-client.js";

/**
 * The error a server ends keep-alive streams with for each `stream-end` status (`undefined`: a
 * clean end, status OK), with the messages etcd and grpc-go send for them.
 */
export function streamEndError(status: StreamEndStatus): Error | undefined {
  switch (status) {
    case "ok":
      return undefined;
    case "cancelled":
      return new EtcdStatusError("requestCanceled");
    case "internal":
      return new EtcdTransportError(GrpcCode.INTERNAL, "transport: internal stream error");
    case "unknown":
      return new EtcdTransportError(GrpcCode.UNKNOWN, "etcdserver: unknown error");
    case "resource-exhausted":
      return new EtcdTransportError(GrpcCode.RESOURCE_EXHAUSTED, "etcdserver: too many requests");
    case "unavailable":
      return new EtcdTransportError(GrpcCode.UNAVAILABLE, "transport is closing");
  }
}

/** The world of one lease case: the fake cluster, a transport, and the lessor under test. */
export interface LeaseWorld {
  readonly cluster: EtcdCluster;
  readonly lessor: Lessor;
  /** Sets the one-way latency between the client and every member. */
  setLatency(ms: number): void;
  /** Loses keep-alive responses / requests with the given probability (0 clears). */
  setDrops(kind: "responses" | "requests", probability: number): void;
  /**
   * Cuts the client off (every keep-alive request and response lost, the streams stay open — a
   * half-open connection) or heals the cut.
   */
  setPartition(on: boolean): void;
  /** GOAWAY from every member. */
  goaway(): void;
  /** Every member ends its keep-alive streams with `status`. */
  endStreams(status: StreamEndStatus): void;
  /** Every keep-alive stream the lessor opened, as recorded between lessor and transport. */
  readonly streams: readonly StreamFact[];
  /** The listeners left on the signals the lessor handed to its client, judged at its boundary. */
  readonly listenerAudit: ListenerAuditLeaseClient;
  /** Restarts member `index` after `downMs`. */
  restart(index: number, downMs: number): void;
  /** Closes the transport and the cluster (the lessor is closed by the case itself). */
  close(): Promise<void>;
}

/** Records the lessor's log lines into the trace. */
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

/** Builds the world for `testCase` in `sim`. */
export function buildLeaseWorld(
  sim: Simulation,
  testCase: LeaseCase,
  options: {
    readonly keepTimes?: boolean;
    readonly traceLessor?: boolean;
    /** Told of every lease event of the fake cluster (the run's model check). */
    readonly observer?: EtcdLeaseObserver;
  } = {},
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
    // The workload's own keepAliveOnce calls are not the lessor's background renewals.
    { keepTimes: options.keepTimes ?? true, requireLeaderOnly: true },
  );
  const lessorOptions = {
    clock: sim.clockFor("lessor"),
    metadata: { "client-api-version": ["3.4"] },
    ...(options.traceLessor === false ? {} : { logger: traceLogger(sim) }),
  };
  const endStreams = (status: StreamEndStatus): void => {
    for (let i = 0; i < testCase.members; i++) {
      if (cluster.isUp(i)) cluster.endStreams(i, streamEndError(status));
    }
  };
  if (testCase.transport === "direct") {
    const endpoints = Array.from({ length: testCase.members }, (_, i) => i);
    const client = new InProcessLeaseClient({
      cluster,
      clock: sim.clockFor("etcd-client"),
      random: sim.randomFor("etcd-client"),
      endpoints,
      latencyMs: testCase.latencyMs,
    });
    const recorder = new RecordingLeaseClient(client, () => sim.now());
    const listenerAudit = new ListenerAuditLeaseClient(recorder);
    const lessor = new Lessor({ ...lessorOptions, client: listenerAudit });
    const drops = { responses: 0, requests: 0, partition: false };
    const apply = (): void => {
      client.dropResponses = drops.partition ? 1 : drops.responses;
      client.dropRequests = drops.partition ? 1 : drops.requests;
    };
    return {
      cluster,
      lessor,
      endStreams,
      streams: recorder.streams,
      listenerAudit,
      setLatency: (ms) => {
        client.latencyMs = ms;
      },
      setDrops: (kind, p) => {
        drops[kind] = p;
        apply();
      },
      setPartition: (on) => {
        drops.partition = on;
        apply();
      },
      goaway: () => {
        for (let i = 0; i < testCase.members; i++) {
          cluster.endStreams(
            i,
            new EtcdTransportError(GrpcCode.UNAVAILABLE, "the server sent GOAWAY"),
          );
        }
      },
      restart: (index, downMs) => cluster.restartMember(index, downMs),
      close: async () => {
        await client.close();
        await cluster.close();
      },
    };
  }
  const servers: GrpcServer[] = [];
  for (let i = 0; i < testCase.members; i++) {
    const server = new GrpcServer(sim, { address: `etcd-${i}:2379` });
    serveEtcdLease(server, cluster, i);
    server.start();
    servers.push(server);
    sim.net.setLink("client", `etcd-${i}`, { latencyMs: testCase.latencyMs });
  }
  const dialer = new GrpcDialer(sim, { host: "client" });
  const conn = new ClientConn({
    target: servers.map((s) => s.address),
    dialer,
    clock: sim.clockFor("conn"),
    random: sim.randomFor("conn"),
  });
  const client: LeaseClient = new GrpcLeaseClient(conn);
  const recorder = new RecordingLeaseClient(client, () => sim.now());
  const listenerAudit = new ListenerAuditLeaseClient(recorder);
  const lessor = new Lessor({ ...lessorOptions, client: listenerAudit });
  const drops = { responses: 0, requests: 0, partition: false };
  const apply = (): void => {
    const responses = drops.partition ? 1 : drops.responses;
    const requests = drops.partition ? 1 : drops.requests;
    for (const server of servers) {
      server.clearFaults(LeaseMethod.keepAlive);
      const method = LeaseMethod.keepAlive;
      if (responses > 0) server.dropResponses({ method, probability: responses });
      if (requests > 0) server.dropRequests({ method, probability: requests });
    }
  };
  return {
    cluster,
    lessor,
    endStreams,
    streams: recorder.streams,
    listenerAudit,
    setLatency: (ms) => {
      for (let i = 0; i < servers.length; i++) {
        sim.net.setLink("client", `etcd-${i}`, { latencyMs: ms });
      }
    },
    setDrops: (kind, p) => {
      drops[kind] = p;
      apply();
    },
    setPartition: (on) => {
      drops.partition = on;
      apply();
    },
    goaway: () => {
      for (const server of servers) if (server.running) server.goaway({ mode: "graceful" });
    },
    restart: (index, downMs) => {
      const server = servers[index];
      cluster.restartMember(index, downMs);
      if (server?.running === true) {
        server.restart({ downMs }).then(
          () => {},
          () => {},
        );
      }
    },
    close: async () => {
      await conn.close();
      await dialer.close();
      for (const server of servers) await server.close();
      await cluster.close();
    },
  };
}
