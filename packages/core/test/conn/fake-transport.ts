import {
  type ClientTransport,
  type Dialer,
  type DialOptions,
  Http2ErrorCode,
  type Metadata,
  type OpenStreamOptions,
  type StreamEnd,
  type TransportStream,
} from "../../src/conn/index.js";
import type { VirtualClock } from "./virtual-clock.js";

/** One stream as the fake server sees it. */
export class FakeStream implements TransportStream {
  readonly id: number;
  readonly method: string;
  readonly metadata: Metadata;
  readonly requests: Uint8Array[] = [];
  halfClosed = false;
  cancelled = false;
  ended = false;
  readonly #options: OpenStreamOptions;
  readonly #transport: FakeTransport;

  constructor(id: number, options: OpenStreamOptions, transport: FakeTransport) {
    this.id = id;
    this.method = options.method;
    this.metadata = options.metadata;
    this.#options = options;
    this.#transport = transport;
  }

  sendMessage(message: Uint8Array): boolean {
    if (this.ended || this.halfClosed) return false;
    this.requests.push(message);
    return true;
  }

  halfClose(): void {
    if (this.halfClosed || this.ended) return;
    this.halfClosed = true;
    this.#transport.onHalfClose?.(this);
  }

  cancel(): void {
    if (this.ended) return;
    this.cancelled = true;
    this.end({ kind: "reset", code: Http2ErrorCode.CANCEL });
  }

  /** Server side: sends headers. */
  headers(metadata: Metadata = {}): void {
    if (!this.ended) this.#options.listener.onHeaders(metadata);
  }

  /** Server side: sends one message. */
  message(bytes: Uint8Array): void {
    if (!this.ended) this.#options.listener.onMessage(bytes);
  }

  /** Server side: ends with a status. */
  status(code: number, details = "", metadata: Metadata = {}): void {
    this.end({ kind: "status", code, details, metadata });
  }

  /** Server side: replies with one message and OK. */
  reply(bytes: Uint8Array): void {
    this.headers();
    this.message(bytes);
    this.status(0);
  }

  end(end: StreamEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.#transport.streamEnded(this);
    this.#options.listener.onEnd(end);
  }
}

/** A scriptable in-memory ClientTransport. */
export class FakeTransport implements ClientTransport {
  readonly address: string;
  readonly streams: FakeStream[] = [];
  /** Streams opened after GOAWAY was received (must stay 0; openStream throws for them). */
  openAttemptsWhileDraining = 0;
  pings = 0;
  /** "ack" answers pings at once; "hang" never answers. */
  pingMode: "ack" | "hang" = "ack";
  closed = false;
  #goaway = false;
  #nextId = 1;
  readonly #options: DialOptions;
  readonly #active = new Set<FakeStream>();
  readonly #pendingPings = new Set<() => void>();
  /** Called for every stream opened (server behaviour). */
  onStream: ((stream: FakeStream) => void) | undefined;
  /** Called when the client half-closes a stream: unary servers answer here. */
  onHalfClose: ((stream: FakeStream) => void) | undefined;

  constructor(address: string, options: DialOptions) {
    this.address = address;
    this.#options = options;
  }

  get draining(): boolean {
    return this.#goaway || this.closed;
  }

  get activeStreams(): number {
    return this.#active.size;
  }

  openStream(options: OpenStreamOptions): TransportStream {
    if (this.draining) {
      this.openAttemptsWhileDraining += 1;
      throw new Error("transport is draining");
    }
    const stream = new FakeStream(this.#nextId, options, this);
    this.#nextId += 2;
    this.streams.push(stream);
    this.#active.add(stream);
    this.onStream?.(stream);
    return stream;
  }

  ping(signal: AbortSignal): Promise<void> {
    this.pings += 1;
    if (this.closed) return Promise.reject(new Error("closed"));
    if (this.pingMode === "ack") return Promise.resolve();
    return new Promise<void>((_resolve, reject) => {
      const fail = (): void => {
        this.#pendingPings.delete(fail);
        signal.removeEventListener("abort", fail);
        reject(new Error("ping aborted or transport closed"));
      };
      this.#pendingPings.add(fail);
      signal.addEventListener("abort", fail, { once: true });
    });
  }

  streamEnded(stream: FakeStream): void {
    this.#active.delete(stream);
  }

  /** Server side: GOAWAY; streams above `lastStreamId` end refused first, as the port promises. */
  goaway(lastStreamId: number, code: number = Http2ErrorCode.NO_ERROR, debug = ""): void {
    if (this.closed) return;
    this.#goaway = true;
    for (const stream of [...this.#active]) {
      if (stream.id > lastStreamId)
        stream.end({ kind: "refused", reason: "above GOAWAY last-stream-id" });
    }
    this.#options.listener.onGoaway(lastStreamId, code, debug);
  }

  /** Server side or client side: the connection dies; open streams end `closed`. */
  kill(error: Error | undefined = new Error("connection reset")): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of [...this.#active]) stream.end({ kind: "closed", error });
    for (const fail of [...this.#pendingPings]) fail();
    this.#options.listener.onClose(error);
  }

  close(): void {
    this.kill(undefined);
  }
}

/** One dial as the fake network saw it. */
export interface DialRecord {
  readonly address: string;
  readonly at: number;
  readonly options: DialOptions;
  settled: boolean;
  accept(): FakeTransport;
  refuse(error?: Error): void;
}

/** What the fake dialer does with a new dial: settle it at once, or leave it to the test. */
export type DialPolicy = "accept" | "refuse" | "manual";

/** A scriptable Dialer that records every dial. */
export class FakeDialer implements Dialer {
  readonly dials: DialRecord[] = [];
  readonly transports: FakeTransport[] = [];
  policy: (address: string) => DialPolicy = () => "accept";
  /** A sloppy dialer that does not settle on abort (so late results can be tested). */
  ignoreAbort = false;
  onTransport: ((transport: FakeTransport) => void) | undefined;
  /** Unary server behaviour for every new transport (default: echo the request). */
  serve: ((stream: FakeStream) => void) | undefined = (stream) => {
    const request = stream.requests[0];
    if (request !== undefined) stream.reply(request);
  };
  readonly #clock: VirtualClock;

  constructor(clock: VirtualClock) {
    this.#clock = clock;
  }

  /** Dials not settled yet (the "one attempt at a time" check). */
  inFlight(address?: string): number {
    return this.dials.filter((d) => !d.settled && (address === undefined || d.address === address))
      .length;
  }

  /** Transports not closed. */
  openTransports(): number {
    return this.transports.filter((t) => !t.closed).length;
  }

  dial(address: string, options: DialOptions): Promise<ClientTransport> {
    return new Promise<ClientTransport>((resolve, reject) => {
      const onAbort = (): void =>
        record.refuse(
          options.signal.reason instanceof Error ? options.signal.reason : new Error("aborted"),
        );
      const record: DialRecord = {
        address,
        at: this.#clock.now(),
        options,
        settled: false,
        accept: () => {
          if (record.settled) throw new Error("dial already settled");
          record.settled = true;
          options.signal.removeEventListener("abort", onAbort);
          const transport = new FakeTransport(address, options);
          transport.onHalfClose = (stream) => this.serve?.(stream);
          this.transports.push(transport);
          this.onTransport?.(transport);
          resolve(transport);
          return transport;
        },
        refuse: (error = new Error("ECONNREFUSED")) => {
          if (record.settled) return;
          record.settled = true;
          options.signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      this.dials.push(record);
      if (!this.ignoreAbort) options.signal.addEventListener("abort", onAbort, { once: true });
      const policy = this.policy(address);
      if (policy === "accept") record.accept();
      else if (policy === "refuse") record.refuse();
    });
  }
}
