import {
  Http2ErrorCode,
  type Metadata,
  type StreamEnd,
  type StreamListener,
  type TransportStream,
} from "@dsim/core";
import { copyMessage, type GrpcFrame } from "./frames.js";

/** What a {@link GrpcClientStream} needs from the transport that owns it. */
export interface ClientStreamHost {
  /** Queues a frame on the connection; false once the connection is closed. */
  send(frame: GrpcFrame): boolean;
  /** Told exactly once, when the stream ends, before the listener's `onEnd`. */
  streamEnded(stream: GrpcClientStream, end: StreamEnd): void;
}

/**
 * The client end of one stream. Lifecycle: open → (half-closed) → ended. Once ended nothing more
 * reaches the listener and nothing more is sent.
 */
export class GrpcClientStream implements TransportStream {
  /** The stream id: odd, increasing per connection. */
  readonly id: number;
  /** The full method path. */
  readonly method: string;
  readonly #listener: StreamListener;
  readonly #host: ClientStreamHost;
  #halfClosed = false;
  #ended = false;

  /** Created by the transport only. */
  constructor(id: number, method: string, listener: StreamListener, host: ClientStreamHost) {
    this.id = id;
    this.method = method;
    this.#listener = listener;
    this.#host = host;
  }

  /** True once the stream ended (status, refused, reset or closed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Sends one message; false when the stream is ended or half-closed. */
  sendMessage(message: Uint8Array): boolean {
    if (!(message instanceof Uint8Array)) {
      throw new TypeError("sendMessage expects a Uint8Array");
    }
    if (this.#ended || this.#halfClosed) return false;
    return this.#host.send({
      type: "DATA",
      streamId: this.id,
      message: copyMessage(message),
      endStream: false,
    });
  }

  /** Sends END_STREAM. Idempotent; does nothing once ended. */
  halfClose(): void {
    if (this.#ended || this.#halfClosed) return;
    this.#halfClosed = true;
    this.#host.send({ type: "DATA", streamId: this.id, endStream: true });
  }

  /** Resets the stream with CANCEL; the listener receives a `reset` end with CANCEL at once. */
  cancel(): void {
    if (this.#ended) return;
    this.#host.send({ type: "RST_STREAM", streamId: this.id, code: Http2ErrorCode.CANCEL });
    this.finish({ kind: "reset", code: Http2ErrorCode.CANCEL });
  }

  /** Delivers response headers (transport only). */
  deliverHeaders(metadata: Metadata): void {
    if (!this.#ended) this.#listener.onHeaders(metadata);
  }

  /** Delivers one message (transport only). */
  deliverMessage(message: Uint8Array): void {
    if (!this.#ended) this.#listener.onMessage(message);
  }

  /** Ends the stream exactly once (transport only); later calls do nothing. */
  finish(end: StreamEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#host.streamEnded(this, end);
    this.#listener.onEnd(end);
  }
}
