import type { SeededRandom } from "../kernel/contracts.js";
import type { Trace } from "../kernel/trace.js";
import type { Scheduler } from "../kernel/virtual-clock.js";
import { ConnectError } from "./connect-error.js";
import type {
  ConnectOptions,
  LinkConfig,
  VirtualConnection,
  VirtualListener,
  VirtualNetworkApi,
} from "./contracts.js";
import { DatagramHold } from "./datagram-hold.js";
import { Endpoint, type EndpointHooks, type EndpointState } from "./endpoint.js";
import { LinkState, mergeLinkConfig } from "./link.js";
import { Pipe, type Segment } from "./pipe.js";

/** Dependencies and options of {@link VirtualNetwork}. */
export interface VirtualNetworkOptions {
  /** Exact-time scheduling on the kernel clock (owner `"net"`). */
  readonly scheduler: Scheduler;
  /** The network's random stream; each link direction forks its own stream from it. */
  readonly random: SeededRandom;
  /** Where `net.*` events are recorded. */
  readonly trace: Trace;
  /** Also trace every delivered message and datagram (`net.deliver`, `net.datagram`). Default false. */
  readonly traceMessages?: boolean;
}

/** One unfinished connection, as listed by {@link VirtualNetwork.openConnectionInfo}. */
export interface OpenConnectionInfo {
  readonly id: number;
  readonly from: string;
  readonly address: string;
  /** Client end: `connecting` (handshake pending), `open` or `closed`. */
  readonly client: EndpointState;
  /** Server end: `idle` (SYN not arrived), `open` or `closed`. */
  readonly server: EndpointState;
}

/** Receives datagrams sent to a host with {@link VirtualNetwork.sendDatagram}. */
export type DatagramHandler = (from: string, message: unknown) => void;

interface Listener {
  readonly address: string;
  readonly onConnection: (conn: VirtualConnection<unknown>) => void;
  closed: boolean;
}

/** Both ends of one connection and the pending connect, while it lasts. */
interface Connection {
  readonly id: number;
  readonly client: Endpoint<unknown>;
  readonly server: Endpoint<unknown>;
  readonly toServer: Pipe<unknown>;
  readonly toClient: Pipe<unknown>;
  pending:
    | {
        readonly resolve: (conn: VirtualConnection<unknown>) => void;
        readonly reject: (error: ConnectError) => void;
        readonly cleanup: () => void;
      }
    | undefined;
}

function requireHost(name: string, host: string): void {
  if (typeof host !== "string" || host.length === 0) {
    throw new TypeError(`${name} must be a non-empty host name, received ${String(host)}`);
  }
}

/** Splits "host:port"; the port part may be any non-empty text. */
function hostOf(address: string): string {
  const colon = typeof address === "string" ? address.lastIndexOf(":") : -1;
  if (colon <= 0 || colon === address.length - 1) {
    throw new TypeError(`address must look like "host:port", received ${String(address)}`);
  }
  return address.slice(0, colon);
}

/**
 * The simulation's network: reliable ordered connections and unreliable datagrams between named
 * hosts, over per-direction links with latency, seeded jitter, loss, partitions and holds. Every
 * delivery is a kernel timer (owner `"net"`), so it is ordered, replayable and settles like any
 * other event. See `VirtualNetworkApi` for the contract.
 */
export class VirtualNetwork implements VirtualNetworkApi {
  readonly #scheduler: Scheduler;
  readonly #random: SeededRandom;
  readonly #trace: Trace;
  readonly #traceMessages: boolean;
  readonly #links = new Map<string, LinkState>();
  readonly #listeners = new Map<string, Listener>();
  readonly #connections = new Map<number, Connection>();
  readonly #datagramHandlers = new Map<string, DatagramHandler>();
  readonly #holds = new Map<LinkState, DatagramHold>();
  readonly #hosts = new Set<string>();
  #nextId = 1;
  #closed = false;

  constructor(options: VirtualNetworkOptions) {
    this.#scheduler = options.scheduler;
    this.#random = options.random;
    this.#trace = options.trace;
    this.#traceMessages = options.traceMessages ?? false;
  }

  listen<M>(
    address: string,
    onConnection: (conn: VirtualConnection<M>) => void,
  ): VirtualListener<M> {
    hostOf(address);
    if (typeof onConnection !== "function")
      throw new TypeError("listen needs an onConnection function");
    this.#assertOpen();
    if (this.#listeners.has(address)) {
      throw new Error(`listen ${address}: EADDRINUSE (something already listens there)`);
    }
    const listener: Listener = {
      address,
      onConnection: onConnection as (conn: VirtualConnection<unknown>) => void,
      closed: false,
    };
    this.#listeners.set(address, listener);
    this.#hosts.add(hostOf(address));
    this.#trace.record("net", "net.listen", { address });
    return {
      address,
      close: () => {
        if (listener.closed) return;
        listener.closed = true;
        this.#listeners.delete(address);
        this.#trace.record("net", "net.unlisten", { address });
      },
    };
  }

  connect<M>(
    fromHost: string,
    address: string,
    options: ConnectOptions = {},
  ): Promise<VirtualConnection<M>> {
    requireHost("fromHost", fromHost);
    const toHost = hostOf(address);
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError("connect: options.signal must be an AbortSignal");
    }
    if (this.#closed)
      return Promise.reject(
        new ConnectError("ECONNRESET", `connect ${address}: the network is closed`),
      );
    if (signal?.aborted === true) {
      return Promise.reject(
        new ConnectError("ABORT_ERR", `connect ${address}: aborted`, { cause: signal.reason }),
      );
    }
    const id = this.#nextId++;
    this.#hosts.add(fromHost);
    const hooks = this.#hooks;
    const client = new Endpoint<unknown>(id, fromHost, toHost, address, "connecting", hooks);
    const server = new Endpoint<unknown>(id, toHost, fromHost, address, "idle", hooks);
    let conn: Connection | undefined;
    const toServer = new Pipe<unknown>(this.#link(fromHost, toHost), this.#scheduler, (s) => {
      if (conn !== undefined) this.#onSegment(conn, server, s);
    });
    const toClient = new Pipe<unknown>(this.#link(toHost, fromHost), this.#scheduler, (s) => {
      if (conn !== undefined) this.#onSegment(conn, client, s);
    });
    const created: Connection = { id, client, server, toServer, toClient, pending: undefined };
    conn = created;
    this.#connections.set(id, created);
    this.#trace.record("net", "net.connect", { id, from: fromHost, address });
    return new Promise<VirtualConnection<M>>((resolve, reject) => {
      const onAbort = (): void => this.#abortConnect(created, signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      created.pending = {
        resolve: resolve as (conn: VirtualConnection<unknown>) => void,
        reject,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      toServer.push("syn");
    });
  }

  setLink(a: string, b: string, config: Partial<LinkConfig>): void {
    requireHost("a", a);
    requireHost("b", b);
    const ab = this.#link(a, b);
    const ba = this.#link(b, a);
    this.#hosts.add(a);
    this.#hosts.add(b);
    const merged = mergeLinkConfig(ab.config, config);
    ab.config = merged;
    ba.config = mergeLinkConfig(ba.config, config);
    this.#trace.record("net", "net.link", {
      a,
      b,
      latencyMs: merged.latencyMs,
      jitterMs: merged.jitterMs,
      loss: merged.loss,
    });
  }

  partition(a: string, b: string, options: { readonly oneWay?: boolean } = {}): void {
    requireHost("a", a);
    requireHost("b", b);
    const oneWay = options.oneWay ?? false;
    this.#setPartitioned(this.#link(a, b), true);
    if (!oneWay) this.#setPartitioned(this.#link(b, a), true);
    this.#trace.record("net", "net.partition", { a, b, oneWay });
  }

  heal(a: string, b: string): void {
    requireHost("a", a);
    requireHost("b", b);
    this.#setPartitioned(this.#link(a, b), false);
    this.#setPartitioned(this.#link(b, a), false);
    this.#trace.record("net", "net.heal", { a, b });
  }

  hold(a: string, b: string): void {
    requireHost("a", a);
    requireHost("b", b);
    const link = this.#link(a, b);
    const was = link.blocked;
    link.held = true;
    link.update(was);
    this.#trace.record("net", "net.hold", { a, b });
  }

  release(a: string, b: string): void {
    requireHost("a", a);
    requireHost("b", b);
    const link = this.#link(a, b);
    const was = link.blocked;
    link.held = false;
    this.#trace.record("net", "net.release", { a, b });
    link.update(was);
  }

  openConnections(): number {
    return this.#connections.size;
  }

  /** The connections {@link VirtualNetwork.openConnections} counts, for a readable leak report. */
  openConnectionInfo(): OpenConnectionInfo[] {
    return [...this.#connections.values()].map((conn) => ({
      id: conn.id,
      from: conn.client.localHost,
      address: conn.client.address,
      client: conn.client.state,
      server: conn.server.state,
    }));
  }

  /**
   * Whether `host` is on this network: something listened on it, connected from it, or a link to
   * or from it was configured. Socket routing (`installSockets`) only routes to such hosts.
   */
  hasHost(host: string): boolean {
    return this.#hosts.has(host);
  }

  /** Every host {@link VirtualNetwork.hasHost} knows, sorted. */
  hosts(): string[] {
    return [...this.#hosts].sort();
  }

  /** Whether `a → b` is currently partitioned (one direction). */
  isPartitioned(a: string, b: string): boolean {
    return this.#links.get(`${a}\u0000${b}`)?.partitioned ?? false;
  }

  /** The link config from `a` to `b`. */
  linkConfig(a: string, b: string): LinkConfig {
    return this.#link(a, b).config;
  }

  /**
   * Receives datagrams addressed to `host`; returns a function that stops receiving.
   *
   * @throws Error when `host` already has a datagram handler.
   */
  onDatagram(host: string, handler: DatagramHandler): () => void {
    requireHost("host", host);
    if (typeof handler !== "function") throw new TypeError("onDatagram needs a handler function");
    if (this.#datagramHandlers.has(host))
      throw new Error(`onDatagram ${host}: a handler is already registered`);
    this.#datagramHandlers.set(host, handler);
    return () => {
      if (this.#datagramHandlers.get(host) === handler) this.#datagramHandlers.delete(host);
    };
  }

  /**
   * Sends an unreliable datagram: it may be lost (`loss`), reordered (jitter), dropped by a
   * partition (at send or arrival), or held and later released in order. No handler ⇒ dropped.
   */
  sendDatagram(from: string, to: string, message: unknown): void {
    requireHost("from", from);
    requireHost("to", to);
    if (this.#closed) return;
    const link = this.#link(from, to);
    if (link.partitioned) {
      this.#drop(from, to, "partition");
      return;
    }
    if (link.held) {
      this.#holdFor(link).push(message);
      return;
    }
    this.#scheduleDatagram(link, message, Number.NEGATIVE_INFINITY);
  }

  /**
   * Drops all state without callbacks (no `onClose` is delivered); pending connects reject with
   * `ECONNRESET`. Idempotent. The simulation calls it from its own `close()`.
   */
  close(): Promise<void> {
    this.#closeNow();
    return Promise.resolve();
  }

  /** Same as {@link VirtualNetwork.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #closeNow(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of [...this.#connections.values()]) {
      conn.toServer.discard();
      conn.toClient.discard();
      conn.client.state = "closed";
      conn.server.state = "closed";
      conn.client.dropInbox();
      conn.server.dropInbox();
      this.#finishPending(
        conn,
        new ConnectError("ECONNRESET", `connect ${conn.client.address}: the network was closed`),
      );
    }
    this.#connections.clear();
    for (const hold of this.#holds.values()) hold.clear();
    this.#listeners.clear();
    this.#datagramHandlers.clear();
  }

  readonly #hooks: EndpointHooks<unknown> = {
    send: (end, message, onDelivered) => this.#pipeFrom(end).push("data", message, onDelivered),
    close: (end) => {
      const conn = this.#connOf(end);
      end.state = "closed";
      this.#pipeTo(end).discard();
      this.#pipeFrom(end).push("fin");
      this.#trace.record("net", "net.close", { id: end.id, by: end.localHost });
      if (conn !== undefined) this.#maybeFinished(conn);
    },
    reset: (end) => {
      const conn = this.#connOf(end);
      end.state = "closed";
      this.#pipeTo(end).discard();
      const out = this.#pipeFrom(end);
      out.discard();
      out.push("rst");
      this.#trace.record("net", "net.reset", { id: end.id, by: end.localHost });
      if (conn !== undefined) this.#maybeFinished(conn);
    },
    soon: (callback) => {
      this.#scheduler.at(this.#scheduler.now(), callback);
    },
  };

  #onSegment(conn: Connection, target: Endpoint<unknown>, segment: Segment<unknown>): void {
    switch (segment.kind) {
      case "syn": {
        const listener = this.#listeners.get(conn.server.address);
        if (listener === undefined) {
          this.#trace.record("net", "net.refused", { id: conn.id, address: conn.server.address });
          conn.toClient.push("refused");
          return;
        }
        conn.server.state = "open";
        this.#trace.record("net", "net.accept", { id: conn.id, address: conn.server.address });
        // The SYN-ACK goes first so anything the server sends at once queues behind it.
        conn.toClient.push("synack");
        listener.onConnection(conn.server);
        return;
      }
      case "synack":
        conn.client.state = "open";
        this.#trace.record("net", "net.connected", { id: conn.id });
        this.#finishPending(conn, undefined);
        return;
      case "refused":
        conn.client.state = "closed";
        this.#finishPending(
          conn,
          new ConnectError(
            "ECONNREFUSED",
            `connect ECONNREFUSED ${conn.client.address} (from ${conn.client.localHost})`,
          ),
        );
        this.#maybeFinished(conn);
        return;
      case "data":
        if (target.state !== "open") return;
        if (this.#traceMessages)
          this.#trace.record("net", "net.deliver", { id: conn.id, to: target.localHost });
        target.dispatchMessage(segment.message);
        return;
      case "fin":
      case "rst": {
        if (target.state === "connecting") {
          // The server closed or reset its end before our SYN-ACK arrived (a reset discards the
          // queued SYN-ACK): the handshake can never complete, so the connect fails like a RST.
          target.state = "closed";
          this.#pipeFrom(target).discard();
          this.#trace.record("net", "net.peer-closed", {
            id: conn.id,
            host: target.localHost,
            reason: segment.kind === "fin" ? "closed" : "reset",
          });
          this.#finishPending(
            conn,
            new ConnectError(
              "ECONNRESET",
              `connect ECONNRESET ${conn.client.address} (from ${conn.client.localHost}): the server reset the connection during the handshake`,
            ),
          );
          this.#maybeFinished(conn);
          return;
        }
        // Both ends closed at once (crossing FIN/RST): the last segment still finishes the connection.
        if (target.state !== "open") {
          this.#maybeFinished(conn);
          return;
        }
        target.state = "closed";
        this.#pipeFrom(target).discard();
        const reason = segment.kind === "fin" ? "closed" : "reset";
        this.#trace.record("net", "net.peer-closed", {
          id: conn.id,
          host: target.localHost,
          reason,
        });
        this.#maybeFinished(conn);
        target.dispatchClose(reason);
        return;
      }
    }
  }

  #abortConnect(conn: Connection, reason: unknown): void {
    if (conn.pending === undefined) return;
    this.#trace.record("net", "net.abort", { id: conn.id });
    conn.toServer.discard();
    conn.toClient.discard();
    conn.client.state = "closed";
    if (conn.server.state === "open") {
      // The server already accepted: tell it the way a client's RST would.
      conn.toServer.push("rst");
    }
    this.#finishPending(
      conn,
      new ConnectError("ABORT_ERR", `connect ${conn.client.address}: aborted`, { cause: reason }),
    );
    this.#maybeFinished(conn);
  }

  #finishPending(conn: Connection, error: ConnectError | undefined): void {
    const pending = conn.pending;
    if (pending === undefined) return;
    conn.pending = undefined;
    pending.cleanup();
    if (error === undefined) pending.resolve(conn.client);
    else pending.reject(error);
  }

  #maybeFinished(conn: Connection): void {
    if (
      conn.client.state === "open" ||
      conn.client.state === "connecting" ||
      conn.server.state === "open"
    )
      return;
    if (conn.toServer.size > 0 || conn.toClient.size > 0) return;
    this.#connections.delete(conn.id);
  }

  #connOf(end: Endpoint<unknown>): Connection | undefined {
    return this.#connections.get(end.id);
  }

  #pipeFrom(end: Endpoint<unknown>): Pipe<unknown> {
    const conn = this.#connections.get(end.id);
    if (conn === undefined) throw new Error(`connection ${end.id} is not known to the network`);
    return end === conn.client ? conn.toServer : conn.toClient;
  }

  #pipeTo(end: Endpoint<unknown>): Pipe<unknown> {
    const conn = this.#connections.get(end.id);
    if (conn === undefined) throw new Error(`connection ${end.id} is not known to the network`);
    return end === conn.client ? conn.toClient : conn.toServer;
  }

  #link(from: string, to: string): LinkState {
    const key = `${from}\u0000${to}`;
    let link = this.#links.get(key);
    if (link === undefined) {
      link = new LinkState(from, to, this.#random.fork(`link:${from}>${to}`));
      this.#links.set(key, link);
    }
    return link;
  }

  #setPartitioned(link: LinkState, partitioned: boolean): void {
    const was = link.blocked;
    link.partitioned = partitioned;
    link.update(was);
  }

  #holdFor(link: LinkState): DatagramHold {
    let hold = this.#holds.get(link);
    if (hold === undefined) {
      hold = new DatagramHold(link, (message, notBefore) =>
        this.#scheduleDatagram(link, message, notBefore),
      );
      this.#holds.set(link, hold);
    }
    return hold;
  }

  /** Schedules one datagram's arrival; returns its arrival time (or `notBefore` if it was lost). */
  #scheduleDatagram(link: LinkState, message: unknown, notBefore: number): number {
    if (link.datagramLost()) {
      this.#drop(link.from, link.to, "loss");
      return notBefore;
    }
    const at = Math.max(notBefore, this.#scheduler.now() + link.datagramDelay());
    this.#scheduler.at(at, () => {
      if (link.partitioned) {
        this.#drop(link.from, link.to, "partition");
        return;
      }
      const handler = this.#datagramHandlers.get(link.to);
      if (handler === undefined) {
        this.#drop(link.from, link.to, "no-handler");
        return;
      }
      if (this.#traceMessages)
        this.#trace.record("net", "net.datagram", { from: link.from, to: link.to });
      handler(link.from, message);
    });
    return at;
  }

  #drop(from: string, to: string, reason: string): void {
    this.#trace.record("net", "net.drop", { from, to, reason });
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("the network is closed");
  }
}
