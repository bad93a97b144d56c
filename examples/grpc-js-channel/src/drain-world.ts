import type { Duplex } from "node:stream";
import { listenVirtualSockets, type Simulation } from "@dsim/sim-server";
import * as grpc from "@grpc/grpc-js";
import { FrameWatcher } from "./frame-watcher.js";

/** One case: a channel sending RPCs to a server whose connection injector drains. */
export interface DrainCase {
  /** When the server calls `injector.drain(graceMs)`. */
  readonly drainAtMs: number;
  readonly graceMs: number;
  /** The client starts an RPC this often. */
  readonly rpcEveryMs: number;
  /** How long the server's handler takes. */
  readonly handlerMs: number;
  readonly latencyMs: number;
  /** How long the client keeps sending. */
  readonly horizonMs: number;
}

/** One server-side connection, observed at the socket. */
export interface ServerConnectionFact {
  readonly acceptedAt: number;
  /** Accepted after `drain()` was called. */
  readonly afterDrain: boolean;
  /** When the socket closed, if it did before the client was closed. */
  closedAt?: number;
  /** The server wrote a GOAWAY on it before it closed. */
  goawayBeforeClose: boolean;
}

/** One RPC as the application saw it. */
export interface RpcFact {
  readonly at: number;
  settledAt?: number;
  code?: number;
}

const ADDRESS = "echo-1:50051";

const echo: grpc.ServiceDefinition = {
  Echo: {
    path: "/example.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
    originalName: "echo",
  },
};

interface EchoClient {
  Echo(request: Buffer, callback: (error: grpc.ServiceError | null) => void): void;
  close(): void;
}

/**
 * Runs a grpc-js client channel and a grpc-js server, both unmodified, over virtual sockets. The
 * server takes connections through `createConnectionInjector` (as a proxy or a custom transport
 * would) and drains them at `drainAtMs`. Every byte the server writes is watched for GOAWAY frames.
 */
export async function runDrainCase(
  sim: Simulation,
  c: DrainCase,
): Promise<{ connections: ServerConnectionFact[]; rpcs: RpcFact[] }> {
  sim.net.setLink("client", "echo-1", { latencyMs: c.latencyMs });
  const globals = sim.installGlobals();
  const sockets = sim.installSockets();
  const server = new grpc.Server();
  server.addService(echo, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      setTimeout(() => callback(null, call.request), c.handlerMs);
    },
  });
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const connections: ServerConnectionFact[] = [];
  const rpcs: RpcFact[] = [];
  let drainCalled = false;
  let clientClosed = false;
  const listener = listenVirtualSockets(sim, ADDRESS, (socket) => {
    const fact: ServerConnectionFact = {
      acceptedAt: sim.now(),
      afterDrain: drainCalled,
      goawayBeforeClose: false,
    };
    connections.push(fact);
    const watcher = new FrameWatcher();
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    // Spy on what the server sends, without changing it.
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk instanceof Uint8Array) watcher.push(chunk);
      return write(chunk, ...rest);
    }) as typeof socket.write;
    socket.on("close", () => {
      if (clientClosed) return;
      fact.closedAt = sim.now();
      fact.goawayBeforeClose = watcher.sawGoaway;
    });
    injector.injectConnection(socket as unknown as Duplex);
  });
  const Client = grpc.makeGenericClientConstructor(echo, "Echo");
  const client = new Client(ADDRESS, grpc.credentials.createInsecure()) as unknown as EchoClient;
  try {
    const drainTimer = setTimeout(() => {
      drainCalled = true;
      injector.drain(c.graceMs);
    }, c.drainAtMs);
    let done = false;
    void sim.spawn("client", async () => {
      for (let at = 0; at < c.horizonMs; at += c.rpcEveryMs) {
        if (sim.now() < at) await new Promise((resolve) => setTimeout(resolve, at - sim.now()));
        const rpc: RpcFact = { at: sim.now() };
        rpcs.push(rpc);
        client.Echo(Buffer.from("ping"), (error) => {
          rpc.settledAt = sim.now();
          rpc.code = error === null ? 0 : error.code;
        });
      }
      done = true;
    });
    await sim.runUntil(() => done && rpcs.every((rpc) => rpc.settledAt !== undefined), {
      timeoutMs: c.horizonMs + 60_000,
    });
    clearTimeout(drainTimer);
  } finally {
    clientClosed = true;
    client.close();
    listener.close();
    injector.destroy();
    server.forceShutdown();
    await sim.runFor(1_000).catch(() => undefined);
    sockets[Symbol.dispose]();
    globals[Symbol.dispose]();
  }
  return { connections, rpcs };
}
