import { type ClientHttp2Stream, constants, type IncomingHttpHeaders } from "node:http2";
import type {
  Http2ErrorCodeValue,
  StreamEnd,
  StreamListener,
  TransportStream,
} from "../../conn/transport.js";
import { isDsimError } from "../../errors.js";
import { encodeGrpcMessages, GrpcMessageDecoder } from "./grpc-framing.js";
import { type ReceivedStatus, readGrpcStatus, statusOfHttp, toMetadata } from "./grpc-status.js";

const INTERNAL = 13;
const RESOURCE_EXHAUSTED = 8;

/** What a stream asks of the transport that owns it. @internal */
export interface CallStreamOwner {
  /** The lowest last-stream-id of the GOAWAYs received so far, if any. */
  readonly goawayLastStreamId: number | undefined;
  /** True once GOAWAY arrived or the connection is closing. */
  readonly draining: boolean;
  /** True once the connection is gone (destroyed or closed). */
  readonly connectionGone: boolean;
  /** The connection's error, when it died with one. */
  readonly connectionError: Error | undefined;
  /** Called once, when the stream delivered its end. */
  streamEnded(stream: Http2CallStream): void;
}

/**
 * One gRPC call on a `node:http2` client stream: length-prefixed framing both ways, status from
 * trailers (or from the headers of a trailers-only response), and the transport's four kinds of
 * ends. The listener's `onEnd` runs exactly once and nothing is delivered after it.
 *
 * @internal
 */
export class Http2CallStream implements TransportStream {
  readonly #stream: ClientHttp2Stream;
  readonly #listener: StreamListener;
  readonly #owner: CallStreamOwner;
  readonly #decoder: GrpcMessageDecoder;
  #httpStatus: number | undefined;
  #status: ReceivedStatus | undefined;
  #sawResponse = false;
  #halfClosed = false;
  #aborted = false;
  #ended = false;
  /** Messages sent in this tick, written together by {@link Http2CallStream.#flush}. */
  #pending: Uint8Array[] = [];
  readonly #flushSoon = (): void => this.#flush();

  constructor(
    stream: ClientHttp2Stream,
    listener: StreamListener,
    owner: CallStreamOwner,
    maxReceiveMessageBytes: number,
  ) {
    this.#stream = stream;
    this.#listener = listener;
    this.#owner = owner;
    this.#decoder = new GrpcMessageDecoder(maxReceiveMessageBytes);
    stream.on("response", (headers, flags) => this.#onResponse(headers, flags));
    stream.on("data", (chunk: Buffer) => this.#onData(chunk));
    stream.on("trailers", (trailers) => this.#onTrailers(trailers));
    // The readable side ended: every DATA frame has been delivered, so a status can be final.
    stream.on("end", () => {
      if (this.#status !== undefined) this.#finishWithStatus();
    });
    // Stream errors (RST_STREAM from the peer, write after a reset) are classified on "close";
    // the listener only keeps Node from treating them as unhandled.
    stream.on("error", () => {});
    // Node's signal that the stream died mid-call without a status (peer gone, session torn down).
    stream.on("aborted", () => {
      this.#aborted = true;
    });
    stream.on("close", () => this.#onClose());
  }

  /** The HTTP/2 stream id (0 until nghttp2 assigned one, which it does at once on a live session). */
  get id(): number {
    return this.#stream.id ?? 0;
  }

  /** True once the end was delivered. */
  get ended(): boolean {
    return this.#ended;
  }

  sendMessage(message: Uint8Array): boolean {
    if (this.#ended || this.#halfClosed || this.#stream.destroyed || this.#stream.writableEnded) {
      return false;
    }
    // Messages sent in one tick (the lessor's due keep-alives) are framed into one buffer and
    // written once when the tick's synchronous work is done: one write and as few DATA frames as
    // flow control allows, instead of one of each per message. Backpressure is left to the HTTP/2
    // flow control and Node's buffer: the caller has no way to wait for "drain".
    if (this.#pending.length === 0) queueMicrotask(this.#flushSoon);
    this.#pending.push(message);
    return true;
  }

  halfClose(): void {
    if (this.#halfClosed) return;
    this.#halfClosed = true;
    this.#flush();
    if (!this.#stream.destroyed && !this.#stream.writableEnded) this.#stream.end();
  }

  cancel(): void {
    if (this.#ended) return;
    this.#end({ kind: "reset", code: constants.NGHTTP2_CANCEL });
    this.#release(constants.NGHTTP2_CANCEL);
  }

  /**
   * Ends the stream from the transport's side (GOAWAY above last-stream-id, connection closed)
   * and releases the HTTP/2 stream.
   */
  abandon(end: StreamEnd): void {
    if (this.#ended) return;
    this.#end(end);
    this.#release(constants.NGHTTP2_CANCEL);
  }

  #onResponse(headers: IncomingHttpHeaders, flags: number): void {
    if (this.#ended) return;
    this.#sawResponse = true;
    const status = headers[":status"];
    this.#httpStatus = typeof status === "number" ? status : Number(status);
    const trailersOnly = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    if (trailersOnly || headers["grpc-status"] !== undefined) {
      this.#status = readGrpcStatus(headers) ?? this.#statusWithoutGrpcStatus(toMetadata(headers));
      return;
    }
    if (this.#httpStatus !== 200) {
      const { code, details } = statusOfHttp(this.#httpStatus);
      this.#fail({ kind: "status", code, details, metadata: toMetadata(headers) });
      return;
    }
    this.#listener.onHeaders(toMetadata(headers));
  }

  /** Writes the messages sent since the last flush, in order, as one buffer. */
  #flush(): void {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    const stream = this.#stream;
    // Ended meanwhile (cancelled, reset): like writes queued behind a reset, they are dropped.
    if (this.#ended || stream.destroyed || stream.writableEnded) return;
    stream.write(encodeGrpcMessages(pending));
  }

  #onData(chunk: Buffer): void {
    if (this.#ended) return;
    const decoder = this.#decoder;
    decoder.append(chunk);
    // One message at a time, straight to the listener: no array per chunk. A listener that ends
    // the call stops the delivery.
    for (;;) {
      let message: Uint8Array | undefined;
      try {
        message = decoder.next();
      } catch (error) {
        this.#failDecoding(error);
        return;
      }
      if (message === undefined || this.#ended) return;
      this.#listener.onMessage(message);
    }
  }

  /** A malformed or oversized message: the call fails (RESOURCE_EXHAUSTED or INTERNAL). */
  #failDecoding(error: unknown): void {
    const oversize = isDsimError(error) && /larger than max/.test(error.message);
    const details = error instanceof Error ? error.message : String(error);
    this.#fail({
      kind: "status",
      code: oversize ? RESOURCE_EXHAUSTED : INTERNAL,
      details,
      metadata: {},
    });
  }

  #onTrailers(trailers: IncomingHttpHeaders): void {
    if (this.#ended) return;
    this.#status = readGrpcStatus(trailers) ?? this.#statusWithoutGrpcStatus(toMetadata(trailers));
  }

  #statusWithoutGrpcStatus(metadata: ReceivedStatus["metadata"]): ReceivedStatus {
    if (this.#httpStatus !== undefined && this.#httpStatus !== 200) {
      return { ...statusOfHttp(this.#httpStatus), metadata };
    }
    return { code: INTERNAL, details: "server ended the stream without grpc-status", metadata };
  }

  #finishWithStatus(): void {
    const status = this.#status;
    if (this.#ended || status === undefined) return;
    if (this.#decoder.buffered > 0 && status.code === 0) {
      this.#end({
        kind: "status",
        code: INTERNAL,
        details: "stream ended inside a message",
        metadata: status.metadata,
      });
    } else {
      this.#end({ kind: "status", ...status });
    }
    this.#closeOwnSide();
  }

  /**
   * The server has ended its side. Ours is usually ended too (a unary call half-closes at once)
   * and the stream then closes by itself; an RST_STREAM on top of that is redundant, and servers
   * count every RST_STREAM they receive against a rapid-reset budget (nghttp2: 1 000, then 33
   * per second) past which they send GOAWAY(INTERNAL_ERROR) to the whole connection. A side still
   * open (a bidi call the server finished first) is half-closed; only writes still queued behind
   * flow control need a reset to be dropped.
   */
  #closeOwnSide(): void {
    const stream = this.#stream;
    if (stream.closed || stream.destroyed || stream.writableEnded) return;
    if (stream.writableLength > 0) stream.close(constants.NGHTTP2_NO_ERROR);
    else stream.end();
  }

  #onClose(): void {
    if (this.#ended) return;
    if (this.#status !== undefined) {
      this.#finishWithStatus();
      return;
    }
    const rstCode: Http2ErrorCodeValue = this.#stream.rstCode ?? constants.NGHTTP2_NO_ERROR;
    const last = this.#owner.goawayLastStreamId;
    // Only two ends prove that the server never ran the call, and only they are `refused`. The
    // connection's death is checked before the REFUSED_STREAM code: Node stamps the code of a
    // GOAWAY that kills the session onto every stream it destroys, so a GOAWAY carrying error
    // code REFUSED_STREAM would otherwise pass streams at or below its last-stream-id (which may
    // have run) off as refused.
    if (last !== undefined && this.id > last && !this.#sawResponse) {
      this.#end({
        kind: "refused",
        reason: `stream ${this.id} above GOAWAY last-stream-id ${last}`,
      });
    } else if (this.#owner.connectionGone || (this.#aborted && this.#owner.draining)) {
      this.#end({ kind: "closed", error: this.#owner.connectionError });
    } else if (rstCode === constants.NGHTTP2_REFUSED_STREAM) {
      this.#end({ kind: "refused", reason: "stream reset with REFUSED_STREAM" });
    } else if (rstCode !== constants.NGHTTP2_NO_ERROR || this.#aborted) {
      // An abort with code 0 is a peer's RST_STREAM(NO_ERROR) before any status.
      this.#end({ kind: "reset", code: rstCode });
    } else {
      this.#end({ kind: "status", ...this.#statusWithoutGrpcStatus({}) });
    }
  }

  /** Ends the call with a locally detected failure and cancels the HTTP/2 stream. */
  #fail(end: StreamEnd): void {
    this.#end(end);
    this.#release(constants.NGHTTP2_CANCEL);
  }

  #end(end: StreamEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#pending = [];
    this.#owner.streamEnded(this);
    this.#listener.onEnd(end);
  }

  #release(code: number): void {
    if (!this.#stream.closed && !this.#stream.destroyed) this.#stream.close(code);
  }
}
