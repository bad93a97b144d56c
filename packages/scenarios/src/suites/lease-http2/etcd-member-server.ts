import http2, {
  constants,
  type Http2Server,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from "node:http2";
import type { OwnedClock, Simulation, VirtualListener, VirtualSocket } from "@dsim/sim-server";
import { leaseServiceDefinition, listenVirtualSockets, useVirtualDate } from "@dsim/sim-server";
import { Server, ServerCredentials, type UntypedServiceImplementation } from "@grpc/grpc-js";

/** Largest HTTP/2 stream id: a graceful shutdown's heads-up GOAWAY names it. */
const MAX_STREAM_ID = 2 ** 31 - 1;

interface Session {
  readonly session: ServerHttp2Session;
  maxStreamId: number;
}

/**
 * One etcd member's gRPC server: a real grpc-js `Server` fed virtual sockets through its
 * connection injector. The injector's node:http2 server is captured (as `serveGrpcJs` does) so
 * that GOAWAYs go through the real server sessions and `date` headers come from virtual time.
 */
export class EtcdMemberServer {
  readonly address: string;
  readonly #sim: Simulation;
  readonly #clock: OwnedClock;
  readonly #injector: ReturnType<Server["createConnectionInjector"]>;
  readonly #sessions = new Set<Session>();
  readonly #sockets = new Set<VirtualSocket>();
  #listener: VirtualListener<Buffer> | undefined;
  #closed = false;

  constructor(sim: Simulation, address: string, service: UntypedServiceImplementation) {
    this.#sim = sim;
    this.#clock = sim.clockFor("servers");
    this.address = address;
    const server = new Server();
    server.addService(leaseServiceDefinition, service);
    const created: Http2Server[] = [];
    const original = http2.createServer;
    http2.createServer = ((...args: unknown[]) => {
      const made = (original as (...a: unknown[]) => Http2Server)(...args);
      created.push(made);
      return made;
    }) as typeof http2.createServer;
    try {
      this.#injector = server.createConnectionInjector(ServerCredentials.createInsecure());
    } finally {
      http2.createServer = original;
    }
    const inner = created[0];
    if (inner === undefined) throw new Error("grpc-js created no http2 server for the injector");
    inner.prependListener("stream", (stream: ServerHttp2Stream) => {
      useVirtualDate(sim, stream);
      const state = [...this.#sessions].find((s) => s.session === stream.session);
      if (state !== undefined) state.maxStreamId = Math.max(state.maxStreamId, stream.id ?? 0);
    });
    inner.on("session", (session: ServerHttp2Session) => {
      const state: Session = { session, maxStreamId: 0 };
      this.#sessions.add(state);
      session.on("close", () => this.#sessions.delete(state));
    });
  }

  /** Starts accepting connections. */
  start(): void {
    if (this.#closed || this.#listener !== undefined) return;
    this.#listener = listenVirtualSockets(this.#sim, this.address, (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
      socket.on("error", () => {});
      this.#injector.injectConnection(socket);
    });
  }

  /** True while accepting connections. */
  get running(): boolean {
    return this.#listener !== undefined;
  }

  /** Stops like a dying process (connections reset), then starts again after `downMs`. */
  restart(downMs: number): void {
    this.#stop();
    this.#clock.setTimeout(() => this.start(), downMs);
  }

  /**
   * Graceful shutdown of every connection (gRPC's two-phase GOAWAY): GOAWAY(2³¹−1) now, after
   * `roundTripMs` GOAWAY(last stream id) and close once the remaining streams finish.
   */
  goaway(roundTripMs: number): void {
    for (const state of [...this.#sessions]) {
      const { session } = state;
      if (session.closed || session.destroyed) continue;
      session.goaway(constants.NGHTTP2_NO_ERROR, MAX_STREAM_ID, Buffer.alloc(0));
      this.#clock.setTimeout(() => {
        if (session.closed || session.destroyed) return;
        session.goaway(constants.NGHTTP2_NO_ERROR, state.maxStreamId, Buffer.alloc(0));
        session.close();
      }, roundTripMs);
    }
  }

  /** Stops accepting and resets every connection for good. */
  close(): void {
    this.#closed = true;
    this.#stop();
    this.#injector.destroy();
  }

  #stop(): void {
    this.#listener?.close();
    this.#listener = undefined;
    for (const socket of [...this.#sockets]) socket.destroy();
  }
}
