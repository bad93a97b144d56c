import type { Clock, Http2ErrorCodeValue, Metadata } from "@dsim/core";
import { copyMessage, type GrpcFrame, trailerHeaders } from "./frames.js";
import type { BidiCall, EndStatus } from "./handlers.js";
import { MessageQueue } from "./message-queue.js";
import { GrpcStatus } from "./status.js";
import type { TraceData } from "./world.js";

/** What a {@link ServerStream} needs from its connection. */
export interface ServerStreamHost {
  /** Queues a frame for the client; false once the connection is closed. */
  send(frame: GrpcFrame): boolean;
  /** True when this response (unary) or message (streaming) must be lost (fault hook). */
  dropResponse(stream: ServerStream): boolean;
  /** The server sent headers or data (keepalive strikes reset). */
  sentResponseData(): void;
  /**
   * The reason the call's signal aborts with, for a short description of why the call is over.
   * Shared per connection and description: an `Error` per call would cost a stack capture each.
   */
  abortReason(why: string): Error;
  /** Told exactly once, when the stream ends on the server side. */
  streamEnded(stream: ServerStream, how: TraceData): void;
}

/** Identity of a stream as the connection created it. */
export interface ServerStreamInit {
  readonly connectionId: number;
  readonly streamId: number;
  readonly method: string;
  readonly metadata: Metadata;
  readonly peer: string;
  readonly clock: Clock;
}

/** The server end of one stream; it is also the {@link BidiCall} handed to streaming handlers. */
export class ServerStream implements BidiCall {
  readonly connectionId: number;
  readonly streamId: number;
  readonly method: string;
  readonly metadata: Metadata;
  readonly peer: string;
  readonly clock: Clock;
  readonly #host: ServerStreamHost;
  readonly #controller = new AbortController();
  readonly #queue = new MessageQueue<Uint8Array>();
  #headersSent = false;
  #ended = false;

  constructor(host: ServerStreamHost, init: ServerStreamInit) {
    this.#host = host;
    this.connectionId = init.connectionId;
    this.streamId = init.streamId;
    this.method = init.method;
    this.metadata = init.metadata;
    this.peer = init.peer;
    this.clock = init.clock;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get messages(): AsyncIterable<Uint8Array> {
    return this.#queue;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** True once the client half-closed (or the call was cancelled). */
  get inputEnded(): boolean {
    return this.#queue.ended;
  }

  sendHeaders(metadata: Metadata): void {
    if (this.#ended || this.#headersSent) return;
    this.#headersSent = true;
    this.#host.sentResponseData();
    this.#host.send({
      type: "HEADERS",
      streamId: this.streamId,
      headers: metadata,
      endStream: false,
    });
  }

  write(message: Uint8Array): boolean {
    if (!(message instanceof Uint8Array)) throw new TypeError("write expects a Uint8Array");
    if (this.#ended) return false;
    this.sendHeaders({});
    if (this.#host.dropResponse(this)) return true;
    return this.#sendData(message);
  }

  end(status: EndStatus = {}): void {
    if (this.#ended) return;
    const code = status.code ?? GrpcStatus.OK;
    const details = status.details ?? "";
    this.#host.send({
      type: "HEADERS",
      streamId: this.streamId,
      headers: trailerHeaders(code, details, status.metadata ?? {}),
      endStream: true,
    });
    this.#finish({ end: "status", code, details });
  }

  reset(code: Http2ErrorCodeValue): void {
    if (this.#ended) return;
    this.#host.send({ type: "RST_STREAM", streamId: this.streamId, code });
    this.#finish({ end: "reset-sent", code });
  }

  /**
   * Sends a whole unary response (headers, message, trailers), or nothing at all when a
   * `dropResponses` fault takes it.
   */
  respondUnary(message: Uint8Array, headers: Metadata, trailers: Metadata): void {
    if (this.#ended) return;
    if (this.#host.dropResponse(this)) {
      this.#finish({ end: "response-dropped" });
      return;
    }
    this.sendHeaders(headers);
    this.#sendData(message);
    this.end({ code: GrpcStatus.OK, details: "", metadata: trailers });
  }

  /** Ends the stream without sending anything (its request was lost to a fault). */
  abandon(why: string): void {
    if (!this.#ended) this.#finish({ end: why });
  }

  /** A message from the client (connection only). */
  receiveMessage(message: Uint8Array): void {
    if (!this.#ended) this.#queue.push(message);
  }

  /** The client half-closed (connection only). */
  receiveHalfClose(): void {
    this.#queue.end();
  }

  /** The client reset the stream or the connection died (connection only). */
  abort(why: string): void {
    if (this.#ended) return;
    this.#finish({ end: "aborted", why });
  }

  #sendData(message: Uint8Array): boolean {
    this.#host.sentResponseData();
    return this.#host.send({
      type: "DATA",
      streamId: this.streamId,
      message: copyMessage(message),
      endStream: false,
    });
  }

  #finish(how: TraceData): void {
    this.#ended = true;
    this.#queue.discard();
    this.#host.streamEnded(this, how);
    // Go's rule: a call's context is cancelled once the call is over, whatever ended it.
    this.#controller.abort(
      this.#host.abortReason(typeof how.why === "string" ? how.why : "call ended"),
    );
  }
}
