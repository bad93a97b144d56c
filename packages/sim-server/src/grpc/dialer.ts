import type { Dialer, DialOptions, TransportListener } from "@dsim/core";
import type { ConnectErrorShape, VirtualConnection } from "../net/contracts.js";
import { GrpcClientTransport } from "./client-transport.js";
import { GrpcTransportError } from "./errors.js";
import type { GrpcFrame } from "./frames.js";
import type { GrpcWorld, TraceData } from "./world.js";

/** Options of a {@link GrpcDialer}. */
export interface GrpcDialerOptions {
  /** The client host on the virtual network that connections start from. */
  readonly host: string;
}

/**
 * Implements core's `Dialer` over the virtual network from one client host. `dial` resolves only
 * once the server's SETTINGS arrived; it rejects with a {@link GrpcTransportError} (`refused`,
 * `closed-before-settings`, `protocol-error`) or with the signal's reason when it aborts.
 *
 * The dialer keeps track of what it created so that {@link GrpcDialer.close} leaves nothing open.
 */
export class GrpcDialer implements Dialer {
  /** The client host. */
  readonly host: string;
  readonly #world: GrpcWorld;
  readonly #source: string;
  readonly #transports = new Set<GrpcClientTransport>();
  readonly #pending = new Set<AbortController>();
  #closed = false;
  #dials = 0;

  constructor(world: GrpcWorld, options: GrpcDialerOptions) {
    if (typeof options?.host !== "string" || options.host.length === 0) {
      throw new TypeError("GrpcDialer: options.host must be a non-empty host name");
    }
    this.#world = world;
    this.host = options.host;
    this.#source = `grpc-client:${options.host}`;
  }

  /** Transports dialled by this dialer that are not closed yet. */
  get openTransports(): number {
    return this.#transports.size;
  }

  /** Dial attempts still in progress. */
  get pendingDials(): number {
    return this.#pending.size;
  }

  /** Total dial attempts made (for "from the outside" checks on the client side). */
  get dialAttempts(): number {
    return this.#dials;
  }

  /** Opens a connection to `address` and waits for the server's SETTINGS. */
  async dial(address: string, options: DialOptions): Promise<GrpcClientTransport> {
    if (typeof address !== "string" || address.length === 0) {
      throw new TypeError("dial: address must be a non-empty string");
    }
    if (!(options?.signal instanceof AbortSignal)) {
      throw new TypeError("dial: options.signal must be an AbortSignal");
    }
    if (
      typeof options.listener?.onGoaway !== "function" ||
      typeof options.listener.onClose !== "function"
    ) {
      throw new TypeError("dial: options.listener must implement TransportListener");
    }
    if (this.#closed) throw new GrpcTransportError("closed", "the dialer is closed");
    const { signal } = options;
    signal.throwIfAborted();
    const attempt = ++this.#dials;
    this.#record("grpc.dial", { address, attempt, phase: "start" });
    // One controller per attempt lets close() abort every pending dial.
    const local = new AbortController();
    const onAbort = (): void => local.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    this.#pending.add(local);
    try {
      const transport = await this.#connectAndHandshake(address, local.signal, options.listener);
      this.#record("grpc.dial", { address, attempt, phase: "ready", conn: transport.connectionId });
      return transport;
    } catch (error) {
      this.#record("grpc.dial", {
        address,
        attempt,
        phase: "failed",
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.#pending.delete(local);
    }
  }

  /** Closes every transport and aborts every pending dial. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const controller of [...this.#pending]) {
      controller.abort(new GrpcTransportError("closed", "the dialer was closed"));
    }
    for (const transport of [...this.#transports]) transport.close();
  }

  /** Same as {@link GrpcDialer.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #connectAndHandshake(
    address: string,
    signal: AbortSignal,
    listener: TransportListener,
  ): Promise<GrpcClientTransport> {
    let conn: VirtualConnection<GrpcFrame>;
    try {
      conn = await this.#world.net.connect<GrpcFrame>(this.host, address, { signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (isConnectError(error) && error.code === "ECONNREFUSED") {
        throw new GrpcTransportError("refused", `connection to ${address} refused`, {
          cause: error,
        });
      }
      throw new GrpcTransportError("closed-before-settings", `connect to ${address} failed`, {
        cause: error,
      });
    }
    // The transport wraps the owner's listener so the dialer forgets it once it is gone.
    const transport: GrpcClientTransport = new GrpcClientTransport(
      conn,
      address,
      {
        onGoaway: (lastStreamId, code, debug) => listener.onGoaway(lastStreamId, code, debug),
        onClose: (error) => {
          this.#transports.delete(transport);
          listener.onClose(error);
        },
      },
      { record: (kind, data) => this.#record(kind, data) },
    );
    if (signal.aborted) {
      transport.abortHandshake(signal.reason);
    }
    const onAbort = (): void => transport.abortHandshake(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    this.#transports.add(transport);
    try {
      await transport.ready;
    } catch (error) {
      this.#transports.delete(transport);
      throw error;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    return transport;
  }

  #record(kind: string, data: TraceData): void {
    this.#world.trace.record(this.#source, kind, { host: this.host, ...data });
  }
}

function isConnectError(error: unknown): error is ConnectErrorShape {
  return error instanceof Error && typeof (error as Partial<ConnectErrorShape>).code === "string";
}
