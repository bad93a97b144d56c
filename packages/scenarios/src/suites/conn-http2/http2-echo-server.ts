import {
  constants,
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from "node:http2";
import {
  DEFAULT_PING_POLICY,
  listenVirtualSockets,
  type OwnedClock,
  PingEnforcer,
  type Simulation,
  useVirtualDate,
  type VirtualListener,
  type VirtualSocket,
} from "@dsim/sim-server";
import type { GoawayFaultMode } from "../conn/conn-case.js";
import { refuse, serveEcho } from "./echo-handlers.js";

/** What new connections get (the fake server's connection modes). */
export type Http2ConnectionMode = "normal" | "refuse" | "accept-then-close" | "blackhole";

/** Options of an {@link Http2EchoServer}. */
export interface Http2EchoServerOptions {
  /** `host:port` on the virtual network. */
  readonly address: string;
  /** Default processing time of a unary call (virtual ms). */
  readonly processingMs: number;
  /** Delay between the two GOAWAYs of a graceful shutdown (about one round trip). */
  readonly gracefulGoawayDelayMs: number;
  /** Enforce gRPC's keepalive policy (too_many_pings). */
  readonly enforcePings: boolean;
  /** Called with the `x-rpc-id` of every call the application received. */
  readonly onCall: (rpcId: string | undefined) => void;
}

/** Largest HTTP/2 stream id: a graceful shutdown's heads-up GOAWAY names it. */
const MAX_STREAM_ID = 2 ** 31 - 1;
/** A graceful shutdown's remaining streams get this long before the connection is cut. */
const GRACE_PERIOD_MS = 30_000;

interface SessionState {
  readonly session: ServerHttp2Session;
  readonly socket: VirtualSocket;
  readonly pings: PingEnforcer;
  maxStreamId: number;
  activeStreams: number;
  gracefulStarted: boolean;
}

/**
 * A real `node:http2` server serving the conn suite's echo service on virtual sockets, with the
 * fake gRPC server's fault surface (GOAWAY modes, refused streams, connection modes, restarts,
 * resets), so the conn suite's fault plans reach node:http2 itself. Every GOAWAY goes through the
 * server session's own `goaway()`, every reset through the virtual socket.
 */
export class Http2EchoServer {
  readonly address: string;
  readonly host: string;
  /** GOAWAYs this server sent (the conn run counts the too_many_pings ones). */
  readonly stats: { readonly goawaysSent: { readonly debug: string; readonly code: number }[] } = {
    goawaysSent: [],
  };
  readonly #sim: Simulation;
  readonly #clock: OwnedClock;
  readonly #options: Http2EchoServerOptions;
  readonly #server: Http2Server;
  readonly #sessions = new Set<SessionState>();
  /** Sockets not handed to HTTP/2 (blackholed), kept so that resets and close reach them. */
  readonly #held = new Set<VirtualSocket>();
  #listener: VirtualListener<Buffer> | undefined;
  #accepting: VirtualSocket | undefined;
  #running = false;
  #closed = false;
  #mode: Http2ConnectionMode = "normal";
  #refuseLeft = 0;
  #pingsReceived = 0;

  constructor(sim: Simulation, options: Http2EchoServerOptions) {
    this.#sim = sim;
    this.#clock = sim.clockFor("servers");
    this.#options = options;
    this.address = options.address;
    this.host = options.address.slice(0, options.address.lastIndexOf(":"));
    this.#server = createServer();
    this.#server.on("session", (session: ServerHttp2Session) => this.#onSession(session));
    this.#server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) =>
      this.#onStream(stream, headers),
    );
  }

  /** PING frames received (node:http2 acks each one by itself). */
  get pingsReceived(): number {
    return this.#pingsReceived;
  }

  /** True while the server accepts connections (it may still refuse them by mode). */
  get running(): boolean {
    return this.#running;
  }

  /** The current mode for new connections. */
  get connectionMode(): Http2ConnectionMode {
    return this.#mode;
  }

  /** Starts listening (unless the `refuse` mode is on). */
  start(): void {
    if (this.#closed || this.#running) return;
    this.#running = true;
    this.#record("start", {});
    this.#syncListener();
  }

  /** Stops like a dying process, then starts again after `downMs`. */
  restart(options: { readonly downMs?: number } = {}): Promise<void> {
    const downMs = options.downMs ?? 0;
    this.#record("restart", { downMs });
    this.#stop();
    if (downMs === 0) {
      this.start();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#clock.setTimeout(() => {
        if (!this.#running) this.start();
        resolve();
      }, downMs);
    });
  }

  /** GOAWAY on every session, the way the fake server's modes describe. */
  goaway(options: { readonly mode: GoawayFaultMode }): void {
    this.#record("goaway", { mode: options.mode });
    for (const state of [...this.#sessions]) this.#goaway(state, options.mode);
  }

  /** Closes (FIN) or resets (RST) every connection; the server keeps listening. */
  closeConnections(options: { readonly reset?: boolean } = {}): void {
    const reset = options.reset === true;
    this.#record("close-connections", { reset });
    for (const socket of [...this.#held]) this.#cut(socket, reset);
    this.#held.clear();
    for (const state of [...this.#sessions]) this.#cut(state.socket, reset);
  }

  /** The next `count` streams are refused with REFUSED_STREAM before the application sees them. */
  refuseStreams(rule: { readonly count?: number }): void {
    this.#refuseLeft += rule.count ?? 1;
  }

  /** Chooses what happens to new connections; existing connections are unaffected. */
  setConnectionMode(mode: Http2ConnectionMode): void {
    this.#mode = mode;
    this.#record("connection-mode", { mode });
    this.#syncListener();
  }

  /** Ends stream faults (refused streams); the connection mode has its own timer. */
  clearFaults(): void {
    this.#refuseLeft = 0;
  }

  /** Stops listening and resets every connection; the server cannot be started again. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stop();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #stop(): void {
    this.#running = false;
    this.#syncListener();
    this.closeConnections({ reset: true });
  }

  #syncListener(): void {
    const listen = this.#running && this.#mode !== "refuse";
    if (listen && this.#listener === undefined) {
      this.#listener = listenVirtualSockets(this.#sim, this.address, (socket) =>
        this.#onSocket(socket),
      );
    } else if (!listen && this.#listener !== undefined) {
      this.#listener.close();
      this.#listener = undefined;
    }
  }

  #onSocket(socket: VirtualSocket): void {
    socket.on("error", () => {});
    switch (this.#mode) {
      case "normal":
      case "refuse":
        this.#accepting = socket;
        this.#server.emit("connection", socket);
        this.#accepting = undefined;
        return;
      case "blackhole":
        // Accepted, then silence: no SETTINGS, no reply to anything.
        this.#held.add(socket);
        socket.on("close", () => this.#held.delete(socket));
        socket.resume();
        return;
      case "accept-then-close":
        socket.end();
        return;
    }
  }

  #onSession(session: ServerHttp2Session): void {
    const socket = this.#accepting;
    if (socket === undefined) {
      session.destroy();
      return;
    }
    const state: SessionState = {
      session,
      socket,
      // gRFC A8 with gRPC's defaults, judged as the fake transport's servers judge it.
      pings: new PingEnforcer(DEFAULT_PING_POLICY),
      maxStreamId: 0,
      activeStreams: 0,
      gracefulStarted: false,
    };
    this.#sessions.add(state);
    session.on("error", () => {});
    session.on("close", () => this.#sessions.delete(state));
    session.on("ping", () => {
      this.#pingsReceived += 1;
      if (!this.#options.enforcePings) return;
      if (state.pings.onPing(this.#sim.now(), state.activeStreams)) {
        this.#goaway(state, "too_many_pings");
      }
    });
  }

  #onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    const state = [...this.#sessions].find((s) => s.session === stream.session);
    stream.on("error", () => {});
    if (state === undefined) {
      stream.close(constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    state.maxStreamId = Math.max(state.maxStreamId, stream.id ?? 0);
    if (this.#refuseLeft > 0) {
      this.#refuseLeft -= 1;
      this.#record("refuse-stream", { stream: stream.id ?? 0 });
      refuse(stream);
      return;
    }
    state.activeStreams += 1;
    stream.once("close", () => {
      state.activeStreams -= 1;
    });
    useVirtualDate(this.#sim, stream);
    const rpcId = headers["x-rpc-id"];
    this.#options.onCall(typeof rpcId === "string" ? rpcId : undefined);
    serveEcho(stream, headers, {
      clock: this.#clock,
      processingMs: this.#options.processingMs,
      sending: () => state.pings.resetStrikes(),
    });
  }

  #goaway(state: SessionState, mode: GoawayFaultMode): void {
    const { session } = state;
    if (session.destroyed || session.closed) return;
    switch (mode) {
      case "immediate":
      case "too_many_pings": {
        const calm = mode === "too_many_pings";
        const code = calm ? constants.NGHTTP2_ENHANCE_YOUR_CALM : constants.NGHTTP2_NO_ERROR;
        const debug = calm ? "too_many_pings" : "";
        this.#sent(code, debug);
        session.goaway(code, state.maxStreamId, Buffer.from(debug));
        // Closed at once (streams at or below the last id die with the connection), but after
        // nghttp2 has flushed the GOAWAY: it writes from a native immediate, and a 0 ms timer
        // fires only once the run loop saw every socket quiet.
        this.#clock.setTimeout(() => this.#cut(state.socket, false), 0);
        return;
      }
      case "graceful": {
        if (state.gracefulStarted) return;
        state.gracefulStarted = true;
        this.#sent(constants.NGHTTP2_NO_ERROR, "");
        session.goaway(constants.NGHTTP2_NO_ERROR, MAX_STREAM_ID, Buffer.alloc(0));
        this.#clock.setTimeout(() => {
          if (session.destroyed) return;
          this.#sent(constants.NGHTTP2_NO_ERROR, "");
          session.goaway(constants.NGHTTP2_NO_ERROR, state.maxStreamId, Buffer.alloc(0));
          // close() waits for the remaining streams, then ends the connection.
          session.close();
          this.#clock.setTimeout(() => {
            if (!session.destroyed) this.#cut(state.socket, false);
          }, GRACE_PERIOD_MS);
        }, this.#options.gracefulGoawayDelayMs);
        return;
      }
    }
  }

  #sent(code: number, debug: string): void {
    this.stats.goawaysSent.push({ code, debug });
  }

  #cut(socket: VirtualSocket, reset: boolean): void {
    if (socket.destroyed) return;
    if (reset) socket.destroy();
    else socket.end();
  }

  #record(kind: string, data: Record<string, string | number | boolean>): void {
    this.#sim.trace.record("http2-server", `http2.${kind}`, { address: this.address, ...data });
  }
}
