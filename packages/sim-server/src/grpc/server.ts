import { DsimError, Http2ErrorCode, type Http2ErrorCodeValue, type TimerHandle } from "@dsim/core";
import type { OwnedClock, SeededRandom } from "../kernel/contracts.js";
import type { LinkConfig, VirtualConnection, VirtualListener } from "../net/contracts.js";
import {
  type AcceptThenCloseOptions,
  FaultRules,
  type GrpcConnectionFaultMode,
  type GrpcFaultRule,
} from "./faults.js";
import type { GrpcFrame } from "./frames.js";
import type { BidiHandler, UnaryHandler } from "./handlers.js";
import { type PingPolicy, resolvePingPolicy } from "./ping-policy.js";
import { type ConnectionFaults, type GoawayMode, ServerConnection } from "./server-connection.js";
import type { RegisteredHandler } from "./server-dispatch.js";
import { emptyServerStats, type GrpcServerStats, type MutableServerStats } from "./server-stats.js";
import type { GrpcWorld, TraceData } from "./world.js";

/** Options of a {@link GrpcServer}. */
export interface GrpcServerOptions {
  /** Where to listen, `"host:port"`. */
  readonly address: string;
  /** The server's host on the network. Default: the part of `address` before the last `:`. */
  readonly host?: string;
  /** Delay before the server sends its SETTINGS on a new connection, in ms. Default 0. */
  readonly settingsDelayMs?: number;
  /**
   * Delay between the two GOAWAYs of a graceful shutdown, in ms: about one round trip, so that
   * streams the client opened before it saw the heads-up still arrive. Default 10.
   */
  readonly gracefulGoawayDelayMs?: number;
  /** After the final graceful GOAWAY, how long remaining streams may run before the close, in ms. Default 30 000. */
  readonly gracePeriodMs?: number;
  /**
   * gRFC A9: a connection older than this (±10 % jitter from the server's seeded stream) is shed
   * with a graceful GOAWAY; its remaining streams then get `gracePeriodMs`. Unset: no limit.
   */
  readonly maxConnectionAgeMs?: number;
  /**
   * Keepalive enforcement (gRFC A8). Unset: no enforcement. Given (even `{}`): enforced, with
   * gRPC's defaults for missing fields.
   */
  readonly pingPolicy?: Partial<PingPolicy>;
}

/** Options of {@link GrpcServer.goaway}. */
export interface GoawayOptions {
  /** `graceful` (two-phase), `immediate`, or `too_many_pings` (immediate, ENHANCE_YOUR_CALM). */
  readonly mode: GoawayMode;
  /** The error code of the (final) GOAWAY. Default NO_ERROR (ignored for `too_many_pings`). */
  readonly code?: Http2ErrorCodeValue;
  /** Debug data of the (final) GOAWAY. Default "". */
  readonly debug?: string;
  /** Only this connection; default every open connection. */
  readonly connectionId?: number;
}

/** Options of {@link GrpcServer.injectGoaway}. */
export interface InjectGoawayOptions {
  readonly lastStreamId: number;
  readonly code?: Http2ErrorCodeValue;
  readonly debug?: string;
  /** Only this connection; default every open connection. */
  readonly connectionId?: number;
}

type ServerPhase = "stopped" | "running" | "closed";

/**
 * A fake gRPC server on the virtual network. Fake services register handlers; suites drive
 * faults and judge behaviour from {@link GrpcServer.stats}. Timers live on the clock view
 * `grpc-server:<address>`; trace events use the same name as their source.
 *
 * ```ts
 * await using server = new GrpcServer(sim, { address: "etcd-1:2379" });
 * server.addUnaryHandler("/pkg.Svc/Get", async (req, ctx) => req);
 * server.start();
 * ```
 */
export class GrpcServer {
  /** The listen address. */
  readonly address: string;
  /** The server's host. */
  readonly host: string;
  readonly #world: GrpcWorld;
  readonly #clock: OwnedClock;
  readonly #source: string;
  readonly #handlers = new Map<string, RegisteredHandler>();
  readonly #connections = new Set<ServerConnection>();
  /** Connections held by the blackhole or accept-then-close modes. */
  readonly #faulted = new Set<VirtualConnection<GrpcFrame>>();
  readonly #timers = new Set<TimerHandle>();
  /** Run when {@link GrpcServer.close} clears a pending timer (rejects a pending restart). */
  readonly #timerCancels: (() => void)[] = [];
  readonly #faults: ConnectionFaults;
  readonly #stats: MutableServerStats = emptyServerStats();
  readonly #settingsDelayMs: number;
  readonly #gracefulGoawayDelayMs: number;
  readonly #gracePeriodMs: number;
  readonly #maxConnectionAgeMs: number | undefined;
  readonly #ageJitter: SeededRandom;
  readonly #pingPolicy: PingPolicy | undefined;
  #listener: VirtualListener<GrpcFrame> | undefined;
  #phase: ServerPhase = "stopped";
  #mode: GrpcConnectionFaultMode = "normal";
  #acceptThenClose: Required<AcceptThenCloseOptions> = { closeAfterMs: 0, reset: false };

  constructor(world: GrpcWorld, options: GrpcServerOptions) {
    if (typeof options?.address !== "string" || !/^[^:\s]+:\d+$/.test(options.address)) {
      throw new TypeError(
        `GrpcServer: address must look like "host:port", got ${String(options?.address)}`,
      );
    }
    this.#world = world;
    this.address = options.address;
    this.host = options.host ?? options.address.slice(0, options.address.lastIndexOf(":"));
    this.#settingsDelayMs = nonNegative("settingsDelayMs", options.settingsDelayMs ?? 0);
    this.#gracefulGoawayDelayMs = nonNegative(
      "gracefulGoawayDelayMs",
      options.gracefulGoawayDelayMs ?? 10,
    );
    this.#gracePeriodMs = nonNegative("gracePeriodMs", options.gracePeriodMs ?? 30_000);
    this.#maxConnectionAgeMs =
      options.maxConnectionAgeMs === undefined
        ? undefined
        : nonNegative("maxConnectionAgeMs", options.maxConnectionAgeMs);
    this.#pingPolicy =
      options.pingPolicy === undefined ? undefined : resolvePingPolicy(options.pingPolicy);
    this.#source = `grpc-server:${options.address}`;
    this.#clock = world.clockFor(this.#source);
    const random = world.randomFor(this.#source);
    this.#ageJitter = random.fork("max-connection-age");
    this.#faults = {
      dropResponses: new FaultRules(random.fork("drop-responses")),
      dropRequests: new FaultRules(random.fork("drop-requests")),
      refuseStreams: new FaultRules(random.fork("refuse-streams")),
    };
  }

  /** What the server saw (a live view). */
  get stats(): GrpcServerStats {
    return this.#stats;
  }

  /** True while started (even when the `refuse` mode keeps it from listening). */
  get running(): boolean {
    return this.#phase === "running";
  }

  /** Open connections, the faulted ones included. */
  get openConnections(): number {
    return this.#connections.size + this.#faulted.size;
  }

  /** Streams not finished on the server, over every connection. */
  get activeStreams(): number {
    let total = 0;
    for (const connection of this.#connections) total += connection.activeStreams;
    return total;
  }

  /** The ids of the open (serving) connections, in accept order. */
  connectionIds(): number[] {
    return [...this.#connections].map((connection) => connection.id);
  }

  /** Registers a unary handler for a full method path (replacing an earlier one). */
  addUnaryHandler(method: string, handler: UnaryHandler): void {
    this.#register(method, { kind: "unary", handler });
  }

  /** Registers a streaming (bidi) handler for a full method path (replacing an earlier one). */
  addBidiHandler(method: string, handler: BidiHandler): void {
    this.#register(method, { kind: "bidi", handler });
  }

  /** Removes a handler; later calls get UNIMPLEMENTED. */
  removeHandler(method: string): void {
    this.#handlers.delete(method);
  }

  /** Starts listening (unless the `refuse` mode is on). Idempotent while running. */
  start(): void {
    this.#assertOpen("start");
    if (this.#phase === "running") return;
    this.#phase = "running";
    this.#record("grpc.server.start", {});
    this.#syncListener();
  }

  /**
   * Stops like a dying process: stops listening and resets every connection (handlers see their
   * signal abort). Idempotent.
   */
  stop(): void {
    if (this.#phase !== "running") return;
    this.#phase = "stopped";
    this.#stats.stops += 1;
    this.#record("grpc.server.stop", { connections: this.openConnections });
    this.#syncListener();
    this.closeConnections({ reset: true });
  }

  /**
   * Stops, then starts again after `downMs` of virtual time (0: at once). Resolves when the
   * server is up again; rejects if the server is closed meanwhile.
   */
  restart(options: { readonly downMs?: number } = {}): Promise<void> {
    this.#assertOpen("restart");
    const downMs = nonNegative("downMs", options.downMs ?? 0);
    this.#record("grpc.fault", { fault: "restart", downMs });
    this.stop();
    if (downMs === 0) {
      this.start();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.#after(
        downMs,
        () => {
          if (this.#phase === "stopped") this.start();
          resolve();
        },
        () => reject(new DsimError("CLOSED", `server ${this.address} closed during its restart`)),
      );
    });
  }

  /** Sends GOAWAY on every open connection (or one): see {@link GoawayMode}. */
  goaway(options: GoawayOptions): void {
    this.#assertOpen("goaway");
    const mode = options?.mode;
    if (mode !== "graceful" && mode !== "immediate" && mode !== "too_many_pings") {
      throw new TypeError(
        `goaway: mode must be graceful, immediate or too_many_pings, got ${String(mode)}`,
      );
    }
    const code = options.code ?? Http2ErrorCode.NO_ERROR;
    this.#record("grpc.fault", { fault: "goaway", mode, code, debug: options.debug ?? "" });
    for (const connection of this.#targets(options.connectionId)) {
      connection.goaway(mode, code, options.debug ?? "");
    }
  }

  /** Sends a raw GOAWAY without the "never increases" guard: a misbehaving server. */
  injectGoaway(options: InjectGoawayOptions): void {
    this.#assertOpen("injectGoaway");
    if (!Number.isInteger(options?.lastStreamId) || options.lastStreamId < 0) {
      throw new RangeError("injectGoaway: lastStreamId must be a non-negative integer");
    }
    this.#record("grpc.fault", { fault: "inject-goaway", lastStreamId: options.lastStreamId });
    for (const connection of this.#targets(options.connectionId)) {
      connection.injectGoaway(
        options.lastStreamId,
        options.code ?? Http2ErrorCode.NO_ERROR,
        options.debug ?? "",
      );
    }
  }

  /** Closes (FIN) or resets (RST) every open connection; the server keeps listening. */
  closeConnections(
    options: { readonly reset?: boolean; readonly connectionId?: number } = {},
  ): void {
    const kind = options.reset === true ? "reset" : "closed";
    if (options.connectionId === undefined) {
      for (const conn of [...this.#faulted]) {
        this.#faulted.delete(conn);
        if (kind === "reset") conn.reset();
        else conn.close();
      }
    }
    for (const connection of this.#targets(options.connectionId)) {
      connection.close(kind, "server closeConnections");
    }
  }

  /** Chooses what happens to new connections; existing connections are unaffected. */
  setConnectionMode(mode: GrpcConnectionFaultMode, options: AcceptThenCloseOptions = {}): void {
    this.#assertOpen("setConnectionMode");
    if (!["normal", "refuse", "accept-then-close", "blackhole"].includes(mode)) {
      throw new TypeError(`setConnectionMode: unknown mode ${String(mode)}`);
    }
    this.#mode = mode;
    this.#acceptThenClose = {
      closeAfterMs: nonNegative("closeAfterMs", options.closeAfterMs ?? 0),
      reset: options.reset ?? false,
    };
    this.#record("grpc.fault", { fault: "connection-mode", mode });
    this.#syncListener();
  }

  /** The current mode for new connections. */
  get connectionMode(): GrpcConnectionFaultMode {
    return this.#mode;
  }

  /** Loses responses of matching calls (the handler runs; the client never hears back). */
  dropResponses(rule: GrpcFaultRule): void {
    this.#faults.dropResponses.add(rule);
  }

  /** Loses requests of matching calls (the handler never sees them). */
  dropRequests(rule: GrpcFaultRule): void {
    this.#faults.dropRequests.add(rule);
  }

  /** Refuses matching new streams with RST_STREAM(REFUSED_STREAM). */
  refuseStreams(rule: GrpcFaultRule): void {
    this.#faults.refuseStreams.add(rule);
  }

  /** Removes drop/refuse rules (for one method, or all) and returns to the `normal` mode. */
  clearFaults(method?: string): void {
    this.#faults.dropResponses.clear(method);
    this.#faults.dropRequests.clear(method);
    this.#faults.refuseStreams.clear(method);
    if (method === undefined && this.#phase !== "closed") this.setConnectionMode("normal");
  }

  /** Sets the link between this server and `clientHost` (both directions) on the network. */
  setLatency(clientHost: string, latencyMs: number, jitterMs?: number): void {
    const config: Partial<LinkConfig> = { latencyMs: nonNegative("latencyMs", latencyMs) };
    this.#world.net.setLink(
      this.host,
      clientHost,
      jitterMs === undefined ? config : { ...config, jitterMs: nonNegative("jitterMs", jitterMs) },
    );
    this.#record("grpc.fault", {
      fault: "latency",
      clientHost,
      latencyMs,
      jitterMs: jitterMs ?? null,
    });
  }

  /**
   * Stops for good: no listener, no connection, no timer. Handlers still running see their signal
   * abort. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#phase === "closed") return;
    this.stop();
    this.#phase = "closed";
    const timers = [...this.#timers];
    this.#timers.clear();
    for (const handle of timers) this.#clock.clearTimeout(handle);
    for (const cancel of this.#timerCancels.splice(0)) cancel();
    this.#record("grpc.server.close", {});
  }

  /** Same as {@link GrpcServer.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #after(ms: number, fn: () => void, onCancel: () => void): void {
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(handle);
      const index = this.#timerCancels.indexOf(onCancel);
      if (index >= 0) this.#timerCancels.splice(index, 1);
      fn();
    }, ms);
    this.#timers.add(handle);
    this.#timerCancels.push(onCancel);
  }

  #register(method: string, registered: RegisteredHandler): void {
    this.#assertOpen("add a handler");
    if (typeof method !== "string" || !method.startsWith("/")) {
      throw new TypeError(
        `handler method must be a path like /package.Service/Method, got ${String(method)}`,
      );
    }
    if (typeof registered.handler !== "function") throw new TypeError("handler must be a function");
    this.#handlers.set(method, registered);
  }

  #targets(connectionId: number | undefined): ServerConnection[] {
    return [...this.#connections].filter(
      (connection) => connectionId === undefined || connection.id === connectionId,
    );
  }

  /** Listening follows the phase and the `refuse` mode: refusing means nothing listens. */
  #syncListener(): void {
    const shouldListen = this.#phase === "running" && this.#mode !== "refuse";
    if (shouldListen && this.#listener === undefined) {
      this.#listener = this.#world.net.listen<GrpcFrame>(this.address, (conn) =>
        this.#onConnection(conn),
      );
    } else if (!shouldListen && this.#listener !== undefined) {
      this.#listener.close();
      this.#listener = undefined;
    }
  }

  #onConnection(conn: VirtualConnection<GrpcFrame>): void {
    this.#stats.connectionsAccepted += 1;
    if (this.#phase !== "running") {
      conn.reset();
      return;
    }
    const mode = this.#mode === "refuse" ? "normal" : this.#mode;
    this.#stats.accepts.push({
      connectionId: conn.id,
      peer: conn.remoteHost,
      at: this.#clock.now(),
      mode,
    });
    switch (this.#mode) {
      case "normal":
      case "refuse":
        this.#serve(conn);
        return;
      case "blackhole":
        this.#stats.connectionsBlackholed += 1;
        this.#record("grpc.fault", { fault: "blackhole", conn: conn.id, peer: conn.remoteHost });
        this.#hold(conn);
        return;
      case "accept-then-close": {
        this.#stats.connectionsClosedBeforeSettings += 1;
        this.#record("grpc.fault", {
          fault: "accept-then-close",
          conn: conn.id,
          peer: conn.remoteHost,
        });
        const { closeAfterMs, reset } = this.#acceptThenClose;
        const end = (): void => {
          if (!this.#faulted.delete(conn)) return;
          if (reset) conn.reset();
          else conn.close();
        };
        this.#hold(conn);
        if (closeAfterMs === 0) end();
        else this.#after(closeAfterMs, end, () => undefined);
        return;
      }
    }
  }

  /** Keeps a faulted connection: frames are ignored; it is forgotten when the peer closes. */
  #hold(conn: VirtualConnection<GrpcFrame>): void {
    this.#faulted.add(conn);
    conn.setHandlers({
      onMessage: () => undefined,
      onClose: () => {
        this.#faulted.delete(conn);
      },
    });
  }

  #serve(conn: VirtualConnection<GrpcFrame>): void {
    const connection = new ServerConnection({
      conn,
      clock: this.#clock,
      settingsDelayMs: this.#settingsDelayMs,
      gracefulGoawayDelayMs: this.#gracefulGoawayDelayMs,
      gracePeriodMs: this.#gracePeriodMs,
      maxAgeMs:
        this.#maxConnectionAgeMs === undefined
          ? undefined
          : this.#maxConnectionAgeMs * this.#ageJitter.between(0.9, 1.1),
      pingPolicy: this.#pingPolicy,
      lookup: (method) => this.#handlers.get(method),
      faults: this.#faults,
      stats: this.#stats,
      record: (kind, data) => this.#record(kind, data),
      onClosed: (closed) => {
        this.#connections.delete(closed);
      },
    });
    if (!connection.closed) this.#connections.add(connection);
    this.#record("grpc.accept", { conn: conn.id, peer: conn.remoteHost });
  }

  #assertOpen(what: string): void {
    if (this.#phase === "closed")
      throw new DsimError("CLOSED", `cannot ${what}: server ${this.address} is closed`);
  }

  #record(kind: string, data: TraceData): void {
    this.#world.trace.record(this.#source, kind, { address: this.address, ...data });
  }
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}
