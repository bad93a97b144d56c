import type { ClientHttp2Session } from "node:http2";
import type {
  ClientTransport,
  OpenStreamOptions,
  TransportListener,
  TransportStream,
} from "../../conn/transport.js";
import { abortReason } from "../../time/abort.js";
import { AdapterError } from "../adapter-error.js";
import { type CallStreamOwner, Http2CallStream } from "./http2-call-stream.js";

/** Settings of an {@link Http2Transport}. @internal */
export interface Http2TransportInit {
  readonly address: string;
  readonly session: ClientHttp2Session;
  readonly listener: TransportListener;
  readonly maxReceiveMessageBytes: number;
}

/**
 * A {@link ClientTransport} over one `node:http2` client session (one HTTP/2 connection). GOAWAY,
 * refused streams and the connection's close come from the real session; `onClose` runs exactly
 * once, after every open stream has ended.
 *
 * @internal Created by {@link Http2Dialer}.
 */
export class Http2Transport implements ClientTransport, CallStreamOwner {
  readonly address: string;
  readonly #session: ClientHttp2Session;
  readonly #listener: TransportListener;
  readonly #maxReceiveMessageBytes: number;
  readonly #streams = new Set<Http2CallStream>();
  readonly #pings = new Set<(error: Error) => void>();
  #goawayLast: number | undefined;
  #closeCalled = false;
  #gone = false;
  #error: Error | undefined;

  constructor(init: Http2TransportInit) {
    this.address = init.address;
    this.#session = init.session;
    this.#listener = init.listener;
    this.#maxReceiveMessageBytes = init.maxReceiveMessageBytes;
    const session = init.session;
    session.on("goaway", (code: number, lastStreamId: number, data: Buffer | undefined) =>
      this.#onGoaway(code, lastStreamId, data),
    );
    session.on("error", (error: Error) => {
      this.#error ??= error;
    });
    // A socket that ends without GOAWAY (peer killed) also ends here.
    session.on("close", () => this.#finish(this.#error));
    if (session.destroyed) queueMicrotask(() => this.#finish(this.#error));
  }

  /** @internal */
  get goawayLastStreamId(): number | undefined {
    return this.#goawayLast;
  }

  /** @internal */
  get connectionGone(): boolean {
    return this.#gone || this.#session.destroyed;
  }

  /** @internal */
  get connectionError(): Error | undefined {
    return this.#error;
  }

  get draining(): boolean {
    return (
      this.#closeCalled || this.#gone || this.#goawayLast !== undefined || this.#session.closed
    );
  }

  get activeStreams(): number {
    return this.#streams.size;
  }

  openStream(options: OpenStreamOptions): TransportStream {
    if (this.draining || this.#session.destroyed) {
      throw new AdapterError("CLOSED", `transport to ${this.address} is draining or closed`);
    }
    const headers: Record<string, string | string[]> = {};
    for (const [key, values] of Object.entries(options.metadata)) {
      // Reserved fields belong to the transport; a caller's copy would corrupt the request.
      if (key.startsWith(":") || key === "content-type" || key === "te") continue;
      headers[key] = [...values];
    }
    headers[":method"] = "POST";
    headers[":path"] = options.method;
    headers["content-type"] = "application/grpc";
    headers.te = "trailers";
    const nodeStream = this.#session.request(headers, { endStream: false });
    const stream = new Http2CallStream(
      nodeStream,
      options.listener,
      this,
      this.#maxReceiveMessageBytes,
    );
    this.#streams.add(stream);
    return stream;
  }

  ping(signal: AbortSignal): Promise<void> {
    if (this.#gone || this.#session.destroyed) {
      return Promise.reject(new AdapterError("CLOSED", `transport to ${this.address} is closed`));
    }
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | undefined): void => {
        if (settled) return;
        settled = true;
        this.#pings.delete(fail);
        signal.removeEventListener("abort", onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const fail = (error: Error): void => settle(error);
      const onAbort = (): void => {
        const reason = abortReason(signal);
        settle(reason instanceof Error ? reason : new Error(String(reason)));
      };
      this.#pings.add(fail);
      signal.addEventListener("abort", onAbort, { once: true });
      const sent = this.#session.ping((error) => settle(error ?? undefined));
      if (!sent) settle(new AdapterError("PROTOCOL_ERROR", "too many unacknowledged pings"));
    });
  }

  close(): void {
    if (this.#closeCalled) return;
    this.#closeCalled = true;
    if (!this.#session.destroyed) this.#session.destroy();
    this.#finish(undefined);
  }

  /** @internal */
  streamEnded(stream: Http2CallStream): void {
    this.#streams.delete(stream);
  }

  #onGoaway(code: number, lastStreamId: number, data: Buffer | undefined): void {
    if (this.#gone) return;
    // lastStreamId may only decrease; a larger value from a confused peer is ignored.
    const last =
      this.#goawayLast === undefined ? lastStreamId : Math.min(this.#goawayLast, lastStreamId);
    this.#goawayLast = last;
    for (const stream of [...this.#streams]) {
      if (stream.id > last) {
        stream.abandon({
          kind: "refused",
          reason: `stream ${stream.id} above GOAWAY last-stream-id ${last}`,
        });
      }
    }
    const debug = data === undefined ? "" : data.toString("utf8");
    this.#listener.onGoaway(last, code, debug);
  }

  #finish(error: Error | undefined): void {
    if (this.#gone) return;
    this.#gone = true;
    for (const stream of [...this.#streams]) stream.abandon({ kind: "closed", error });
    this.#streams.clear();
    const closed = new AdapterError("CLOSED", `transport to ${this.address} closed`, {
      cause: error,
    });
    for (const fail of [...this.#pings]) fail(closed);
    this.#listener.onClose(error);
  }
}
