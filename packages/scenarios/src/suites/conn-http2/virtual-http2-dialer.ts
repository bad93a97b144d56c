import type { ClientTransport, Dialer, DialOptions } from "@dsim/core";
import { Http2Dialer } from "@dsim/core/adapters/http2";
import { connectVirtualSocket, type Simulation, type VirtualSocket } from "@dsim/sim-server";

/**
 * core's production `Http2Dialer` with one change: its connections are virtual sockets from
 * `host` on the simulation's network (`sessionOptions.createConnection`), so node:http2 runs
 * unmodified over `sim.net`. Counts what it opened, for the leak check.
 */
export class VirtualHttp2Dialer implements Dialer {
  readonly #inner: Http2Dialer;
  readonly #transports = new Set<ClientTransport>();
  readonly #sockets = new Set<VirtualSocket>();
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

  /** Keepalive PINGs whose `ping()` resolved. */
  get acknowledgedPings(): number {
    return this.#acknowledgedPings;
  }

  async dial(address: string, options: DialOptions): Promise<ClientTransport> {
    let transport: ClientTransport | undefined;
    let closed = false;
    const result = await this.#inner.dial(address, {
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
    transport = result;
    if (!closed) this.#transports.add(result);
    return this.#countingPings(result);
  }

  /** The same transport, with every resolved `ping()` counted. */
  #countingPings(inner: ClientTransport): ClientTransport {
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
      openStream: (options) => inner.openStream(options),
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
