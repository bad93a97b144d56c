import type { ClientTransport, Dialer, DialOptions, TransportStream } from "@dsim/core";
import { Http2Dialer } from "@dsim/core/adapters/http2";
import { connectVirtualSocket, type Simulation, type VirtualSocket } from "@dsim/sim-server";
import {
  type ClosedStreamFrame,
  ClosedStreamTap,
  type TappedConnection,
} from "./closed-stream-tap.js";

/**
 * core's production `Http2Dialer` with one change: its connections are virtual sockets from
 * `host` on the simulation's network (`sessionOptions.createConnection`), so node:http2 runs
 * unmodified over `sim.net`. Counts what it opened, for the leak check, and follows the frames of
 * every connection on the client's socket (frames sent on closed streams, RFC 9113 §5.1).
 */
export class VirtualHttp2Dialer implements Dialer {
  readonly #inner: Http2Dialer;
  readonly #transports = new Set<ClientTransport>();
  readonly #sockets = new Set<VirtualSocket>();
  readonly #streams = new ClosedStreamTap();
  /** The connection whose socket the last `createConnection` made (read right after dialing). */
  #dialed: TappedConnection | undefined;
  #acknowledgedPings = 0;

  constructor(sim: Simulation, host: string) {
    this.#inner = new Http2Dialer({
      sessionOptions: {
        createConnection: (authority: URL) => {
          const socket = connectVirtualSocket(sim, {
            host: authority.hostname,
            port: Number(authority.port),
            fromHost: host,
            // The channel's own connect deadline aborts the dial; the socket has none.
            connectTimeoutMs: 0,
          });
          this.#sockets.add(socket);
          const tapped = this.#streams.connection();
          socket.observe(tapped.observer);
          this.#dialed = tapped;
          socket.once("close", () => this.#sockets.delete(socket));
          return socket;
        },
      },
    });
  }

  /** Transports that have not reported their close, plus sockets not closed yet. */
  get openTransports(): number {
    return this.#transports.size + this.#sockets.size;
  }

  /** Frames the client sent on streams already closed at the client, in send order. */
  get framesOnClosedStreams(): readonly ClosedStreamFrame[] {
    return this.#streams.violations;
  }

  /** Keepalive PINGs whose `ping()` resolved. */
  get acknowledgedPings(): number {
    return this.#acknowledgedPings;
  }

  async dial(address: string, options: DialOptions): Promise<ClientTransport> {
    let transport: ClientTransport | undefined;
    let closed = false;
    this.#dialed = undefined;
    const dialing = this.#inner.dial(address, {
      signal: options.signal,
      listener: {
        onGoaway: (lastStreamId, code, debug) =>
          options.listener.onGoaway(lastStreamId, code, debug),
        onClose: (error) => {
          closed = true;
          if (transport !== undefined) this.#transports.delete(transport);
          options.listener.onClose(error);
        },
      },
    });
    // node:http2 calls createConnection synchronously inside connect(), so inside dial().
    const tapped = this.#dialed;
    this.#dialed = undefined;
    const result = await dialing;
    transport = result;
    if (!closed) this.#transports.add(result);
    return this.#observed(result, tapped);
  }

  /**
   * The same transport, with every resolved `ping()` counted and every status it reports passed
   * to the connection's tap.
   */
  #observed(inner: ClientTransport, tapped: TappedConnection | undefined): ClientTransport {
    const acked = (): void => {
      this.#acknowledgedPings += 1;
    };
    return {
      get address() {
        return inner.address;
      },
      get draining() {
        return inner.draining;
      },
      get activeStreams() {
        return inner.activeStreams;
      },
      openStream: (options) => {
        if (tapped === undefined) return inner.openStream(options);
        const listener = options.listener;
        let opened: TransportStream | undefined;
        opened = inner.openStream({
          ...options,
          listener: {
            onHeaders: (metadata) => listener.onHeaders(metadata),
            onMessage: (message) => listener.onMessage(message),
            onEnd: (end) => {
              // An end reported while openStream still runs has no stream id yet (nothing sent).
              if (end.kind === "status" && opened !== undefined) tapped.statusReported(opened.id);
              listener.onEnd(end);
            },
          },
        });
        return opened;
      },
      ping: async (signal) => {
        await inner.ping(signal);
        acked();
      },
      close: () => inner.close(),
    };
  }

  /** Closes every transport still open. */
  async close(): Promise<void> {
    for (const transport of [...this.#transports]) transport.close();
    for (const socket of [...this.#sockets]) socket.destroy();
  }
}
