/**
 * The virtual network's public contracts. Transports (fake gRPC, fake HTTP) are built on
 * {@link VirtualConnection}; framing belongs to them, so a message is any JS value (a frame object).
 *
 * Hosts are plain names (`"client"`, `"etcd-1"`); an address is `"host:port"`.
 */

/** Per-direction link properties between two hosts. */
export interface LinkConfig {
  /** One-way base latency in ms. Default 1. */
  readonly latencyMs: number;
  /** Extra uniformly drawn latency in [0, jitterMs) from the network's seeded stream. Default 0. */
  readonly jitterMs: number;
  /**
   * Probability that a datagram is lost. On a connection (reliable, like TCP) a "lost" segment is
   * retransmitted: it costs extra delay, never reorders or drops.
   */
  readonly loss: number;
}

/** Why a connection ended. */
export type CloseReason = "closed" | "reset";

/** Events of one end of a virtual connection. Delivered from kernel timers, never synchronously. */
export interface ConnectionHandlers<M> {
  /** A message from the peer, in send order, exactly once. */
  onMessage(message: M): void;
  /** The connection ended: the peer closed it (after every sent message arrived) or reset it. */
  onClose(reason: CloseReason): void;
}

/** One end of a reliable, ordered, message-oriented connection (a TCP connection + framing). */
export interface VirtualConnection<M = unknown> {
  /** Unique per network, increasing in creation order. */
  readonly id: number;
  readonly localHost: string;
  readonly remoteHost: string;
  /** The server address it was opened to. */
  readonly address: string;
  /** Installs the event handlers. Messages that arrived earlier are delivered on the next step. */
  setHandlers(handlers: ConnectionHandlers<M>): void;
  /**
   * Queues a message for the peer. Returns false (and drops it) once this end is closed.
   * `onDelivered` runs when the message reaches the peer's end (also when that end has closed
   * meanwhile), never when a reset discards it: a sender can bound what it has in flight.
   */
  send(message: M, onDelivered?: () => void): boolean;
  /** Graceful close: the peer receives every message already sent, then `onClose("closed")`. */
  close(): void;
  /** Abortive close: in-flight messages are discarded and the peer gets `onClose("reset")`. */
  reset(): void;
  /** False once this end closed or saw the peer close. */
  readonly open: boolean;
}

/** A listening socket. */
export interface VirtualListener<M = unknown> {
  readonly address: string;
  /** Stops accepting; connections already accepted are unaffected. Idempotent. */
  close(): void;
  /** Only used by the type parameter; never read. */
  readonly __message?: M;
}

/** Options for {@link VirtualNetworkApi.connect}. */
export interface ConnectOptions {
  /** Aborting rejects a connect that has not completed (e.g. one stuck behind a partition). */
  readonly signal?: AbortSignal;
}

/** The error a failed connect rejects with; `code` follows Node's socket errors. */
export interface ConnectErrorShape extends Error {
  readonly code: "ECONNREFUSED" | "ECONNRESET" | "ABORT_ERR";
}

/** The virtual network owned by a simulation. */
export interface VirtualNetworkApi {
  /** Accepts connections to `address`; throws if something already listens there. */
  listen<M>(
    address: string,
    onConnection: (conn: VirtualConnection<M>) => void,
  ): VirtualListener<M>;
  /**
   * Opens a connection from `fromHost` to `address`. Resolves after one simulated round trip when
   * accepted; rejects with `ECONNREFUSED` when nothing listens; stays pending while the hosts are
   * partitioned (like an unanswered SYN) until `signal` aborts.
   */
  connect<M>(
    fromHost: string,
    address: string,
    options?: ConnectOptions,
  ): Promise<VirtualConnection<M>>;
  /** Sets link properties for both directions between `a` and `b` (unset fields keep defaults). */
  setLink(a: string, b: string, config: Partial<LinkConfig>): void;
  /** Cuts traffic from `a` to `b`, and from `b` to `a` unless `oneWay`. In-flight data stalls. */
  partition(a: string, b: string, options?: { readonly oneWay?: boolean }): void;
  /** Undoes {@link VirtualNetworkApi.partition}; stalled data is delivered in order. */
  heal(a: string, b: string): void;
  /** Holds every message from `a` to `b` at the link until {@link VirtualNetworkApi.release}. */
  hold(a: string, b: string): void;
  /** Releases held messages from `a` to `b` in their original order. */
  release(a: string, b: string): void;
  /** Connections that are still open at either end (leak checks). */
  openConnections(): number;
}
