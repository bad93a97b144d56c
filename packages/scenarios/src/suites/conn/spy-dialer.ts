import type {
  ClientTransport,
  Dialer,
  DialOptions,
  OpenStreamOptions,
  StreamEnd,
  TransportStream,
} from "@dsim/core";

/** One dial as seen at the port between core and the transport. */
export interface DialFact {
  readonly id: number;
  readonly address: string;
  readonly start: number;
  /** GOAWAY(too_many_pings) frames core had received from any server when this dial started. */
  readonly tooManyPingsBefore: number;
  /** When core aborted the dial's signal. */
  abortedAt?: number;
  /** True when the abort came while the dial was still in flight (not after it settled). */
  abortedInFlight?: boolean;
  /** When the dial promise settled, and how. */
  settledAt?: number;
  outcome?: "ready" | "failed";
}

/** One stream core opened, tagged with the RPC id it carries (`x-rpc-id` metadata). */
export interface StreamFact {
  readonly rpcId: string | undefined;
  readonly dialId: number;
  readonly at: number;
  end?: StreamEnd["kind"];
}

/** One transport core received. */
export interface TransportFact {
  readonly dialId: number;
  readonly address: string;
  goawayAt?: number;
  closedAt?: number;
  /** When core first called `close()` on it (its own decision: idleness, drain, shutdown). */
  clientClosedAt?: number;
  /** Times core called `openStream` after the transport reported GOAWAY or close. */
  opensAfterGoaway: number;
  /** When the dial resolved (SETTINGS). */
  readonly readyAt: number;
  /** When core sent each keepalive PING. */
  readonly pings: number[];
}

/**
 * A Dialer wrapper that records what core does at the transport port — dials, aborts, streams,
 * GOAWAYs seen — without changing behaviour. Invariants are judged on these facts, i.e. from the
 * outside of core.
 */
export class SpyDialer implements Dialer {
  readonly dials: DialFact[] = [];
  readonly transports: TransportFact[] = [];
  readonly streams: StreamFact[] = [];
  /** GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings") frames received so far, over every transport. */
  tooManyPings = 0;
  /** Called on every PING core sends, after it was recorded (for checks that must not wait). */
  onPing: ((transport: TransportFact) => void) | undefined;
  readonly #inner: Dialer;
  readonly #now: () => number;

  constructor(inner: Dialer, now: () => number) {
    this.#inner = inner;
    this.#now = now;
  }

  /** Dials neither settled nor aborted. */
  inFlight(): DialFact[] {
    return this.dials.filter((d) => d.settledAt === undefined && d.abortedAt === undefined);
  }

  /** Transports that have not reported their close yet. */
  openTransports(): TransportFact[] {
    return this.transports.filter((t) => t.closedAt === undefined);
  }

  async dial(address: string, options: DialOptions): Promise<ClientTransport> {
    const fact: DialFact = {
      id: this.dials.length,
      address,
      start: this.#now(),
      tooManyPingsBefore: this.tooManyPings,
    };
    this.dials.push(fact);
    const { signal } = options;
    const onAbort = (): void => {
      if (fact.abortedAt === undefined && fact.settledAt === undefined) fact.abortedInFlight = true;
      fact.abortedAt ??= this.#now();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    let tfact: TransportFact | undefined;
    const listener = {
      onGoaway: (lastStreamId: number, code: number, debug: string) => {
        if (code === 0xb && debug === "too_many_pings") this.tooManyPings += 1;
        if (tfact !== undefined) tfact.goawayAt ??= this.#now();
        options.listener.onGoaway(lastStreamId, code, debug);
      },
      onClose: (error: Error | undefined) => {
        if (tfact !== undefined) tfact.closedAt ??= this.#now();
        options.listener.onClose(error);
      },
    };
    let transport: ClientTransport;
    try {
      transport = await this.#inner.dial(address, { signal, listener });
    } catch (error) {
      fact.settledAt = this.#now();
      fact.outcome = "failed";
      signal.removeEventListener("abort", onAbort);
      throw error;
    }
    fact.settledAt = this.#now();
    fact.outcome = "ready";
    signal.removeEventListener("abort", onAbort);
    const ready: TransportFact = {
      dialId: fact.id,
      address,
      opensAfterGoaway: 0,
      readyAt: this.#now(),
      pings: [],
    };
    tfact = ready;
    this.transports.push(ready);
    return this.#wrap(transport, fact, ready);
  }

  #wrap(inner: ClientTransport, fact: DialFact, tfact: TransportFact): ClientTransport {
    const streams = this.streams;
    const now = this.#now;
    const onPing = (t: TransportFact): void => this.onPing?.(t);
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
      ping: (signal) => {
        tfact.pings.push(now());
        onPing(tfact);
        return inner.ping(signal);
      },
      close: () => {
        tfact.clientClosedAt ??= now();
        inner.close();
      },
      openStream(options: OpenStreamOptions): TransportStream {
        if (tfact.goawayAt !== undefined || tfact.closedAt !== undefined)
          tfact.opensAfterGoaway += 1;
        const sfact: StreamFact = {
          rpcId: options.metadata["x-rpc-id"]?.[0],
          dialId: fact.id,
          at: now(),
        };
        const stream = inner.openStream({
          ...options,
          listener: {
            onHeaders: (m) => options.listener.onHeaders(m),
            onMessage: (m) => options.listener.onMessage(m),
            onEnd: (end) => {
              sfact.end ??= end.kind;
              options.listener.onEnd(end);
            },
          },
        });
        streams.push(sfact);
        return stream;
      },
    };
  }
}
