import {
  type ClientTransport,
  Http2ErrorCode,
  type Http2ErrorCodeValue,
  type OpenStreamOptions,
  type StreamEnd,
  type TransportListener,
} from "@dsim/core";
import type { CloseReason, VirtualConnection } from "../net/contracts.js";
import { GrpcClientStream } from "./client-stream.js";
import { GrpcTransportError } from "./errors.js";
import {
  applicationMetadata,
  type GoawayFrame,
  type GrpcFrame,
  type HeadersFrame,
  headerValue,
  MAX_STREAM_ID,
  MESSAGE_HEADER,
  requestHeaders,
  STATUS_HEADER,
} from "./frames.js";
import { GrpcStatus } from "./status.js";
import type { TraceData } from "./world.js";

/** Where a client transport records its trace events. */
export interface ClientTrace {
  record(kind: string, data: TraceData): void;
}

/** Connection phases: waiting for the server's SETTINGS, usable, gone. */
type Phase = "handshaking" | "ready" | "closed";

interface PendingPing {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The client end of one fake HTTP/2 connection; implements core's `ClientTransport`.
 *
 * Created by {@link GrpcDialer} right after the network connect; it sends the preface and SETTINGS
 * and becomes ready when the server's SETTINGS arrive. Until then the owner's listener is never
 * called: a failure rejects the dial instead. It holds no timer: deadlines come in through signals.
 */
export class GrpcClientTransport implements ClientTransport {
  /** The server address. */
  readonly address: string;
  readonly #conn: VirtualConnection<GrpcFrame>;
  readonly #listener: TransportListener;
  readonly #trace: ClientTrace;
  readonly #streams = new Map<number, GrpcClientStream>();
  readonly #pings = new Map<number, PendingPing>();
  readonly #ready: Promise<void>;
  #settleReady: ((error: Error | undefined) => void) | undefined;
  #phase: Phase = "handshaking";
  #nextStreamId = 1;
  #nextPingPayload = 1;
  /** The smallest last-stream-id received in a GOAWAY; MAX+1 until the first one. */
  #goawayLastStreamId = MAX_STREAM_ID + 1;
  #goawayCode: Http2ErrorCodeValue | undefined;
  #goawayDebug = "";
  #localClose = false;

  /** Created by the dialer only; starts the handshake at once. */
  constructor(
    conn: VirtualConnection<GrpcFrame>,
    address: string,
    listener: TransportListener,
    trace: ClientTrace,
  ) {
    this.#conn = conn;
    this.address = address;
    this.#listener = listener;
    this.#trace = trace;
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#settleReady = (error) => (error === undefined ? resolve() : reject(error));
    });
    conn.setHandlers({
      onMessage: (frame) => this.#onFrame(frame),
      onClose: (reason) => this.#onConnectionClose(reason),
    });
    conn.send({ type: "PREFACE" });
    conn.send({ type: "SETTINGS", ack: false, settings: {} });
  }

  /** The network connection id (for correlating with the server's counters). */
  get connectionId(): number {
    return this.#conn.id;
  }

  /** Resolves when the server's SETTINGS arrive; rejects if the connection ends first. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** True once GOAWAY was received or the transport closed. */
  get draining(): boolean {
    return this.#phase === "closed" || this.#goawayCode !== undefined;
  }

  /** True once the connection is gone. */
  get closed(): boolean {
    return this.#phase === "closed";
  }

  /** Streams that have not ended. */
  get activeStreams(): number {
    return this.#streams.size;
  }

  /** The last-stream-id of the latest GOAWAY received, if any. */
  get goawayLastStreamId(): number | undefined {
    return this.#goawayCode === undefined ? undefined : this.#goawayLastStreamId;
  }

  /** Opens a stream with the next odd id and sends its request headers. */
  openStream(options: OpenStreamOptions): GrpcClientStream {
    if (typeof options?.method !== "string" || !options.method.startsWith("/")) {
      throw new TypeError("openStream: method must be a path like /package.Service/Method");
    }
    if (this.#phase !== "ready") {
      throw new GrpcTransportError("closed", `transport to ${this.address} is closed`);
    }
    if (this.#goawayCode !== undefined) {
      throw new GrpcTransportError(
        "goaway",
        `transport to ${this.address} received GOAWAY(${this.#goawayLastStreamId}); open a new connection`,
      );
    }
    if (this.#nextStreamId > MAX_STREAM_ID) {
      throw new GrpcTransportError("stream-ids-exhausted", "no stream ids left on this connection");
    }
    const id = this.#nextStreamId;
    this.#nextStreamId += 2;
    const stream = new GrpcClientStream(id, options.method, options.listener, {
      send: (frame) => this.#conn.send(frame),
      streamEnded: (ended, end) => this.#onStreamEnded(ended, end),
    });
    this.#streams.set(id, stream);
    this.#trace.record("grpc.stream.open", {
      conn: this.#conn.id,
      stream: id,
      method: options.method,
    });
    this.#conn.send({
      type: "HEADERS",
      streamId: id,
      headers: requestHeaders(options.method, options.metadata),
      endStream: false,
    });
    return stream;
  }

  /** Sends PING; resolves on its ack, rejects when the transport closes or `signal` aborts. */
  ping(signal: AbortSignal): Promise<void> {
    if (!(signal instanceof AbortSignal))
      throw new TypeError("ping: signal must be an AbortSignal");
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#phase !== "ready") {
      return Promise.reject(new GrpcTransportError("closed", "ping on a closed transport"));
    }
    const payload = this.#nextPingPayload++;
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#pings.delete(payload);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#pings.set(payload, {
        resolve: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (error) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      this.#trace.record("grpc.ping", { conn: this.#conn.id, payload, ack: false });
      this.#conn.send({ type: "PING", ack: false, payload });
    });
  }

  /** Closes now: sends GOAWAY(0, NO_ERROR), closes the connection, ends open streams `closed`. */
  close(): void {
    if (this.#phase === "closed") return;
    if (this.#phase === "handshaking") {
      // Not handed out yet: the dial rejects instead, and the owner's listener hears nothing.
      this.abortHandshake(new GrpcTransportError("closed", "transport closed before SETTINGS"));
      return;
    }
    this.#localClose = true;
    this.#conn.send({ type: "GOAWAY", lastStreamId: 0, code: Http2ErrorCode.NO_ERROR, debug: "" });
    this.#conn.close();
    this.#teardown(undefined, "local close");
  }

  /** Same as {@link GrpcClientTransport.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /**
   * Abandons a handshake that has not finished (the dial was aborted): resets the connection and
   * rejects {@link ready} with `error`. Used by the dialer.
   *
   * @internal
   */
  abortHandshake(error: unknown): void {
    if (this.#phase !== "handshaking") return;
    this.#phase = "closed";
    this.#conn.reset();
    this.#rejectReady(error instanceof Error ? error : new Error(String(error)));
  }

  #rejectReady(error: Error): void {
    const settle = this.#settleReady;
    this.#settleReady = undefined;
    settle?.(error);
  }

  #onFrame(frame: GrpcFrame): void {
    if (this.#phase === "closed") return;
    switch (frame.type) {
      case "SETTINGS":
        this.#onSettings(frame.ack);
        return;
      case "HEADERS":
        this.#onHeaders(frame);
        return;
      case "DATA": {
        const stream = this.#streams.get(frame.streamId);
        if (stream === undefined) return;
        if (frame.message !== undefined) stream.deliverMessage(frame.message);
        if (frame.endStream) {
          // A gRPC response must end with trailers; END_STREAM on DATA is a broken server.
          stream.finish({
            kind: "status",
            code: GrpcStatus.INTERNAL,
            details: "server closed the stream without sending trailers",
            metadata: {},
          });
        }
        return;
      }
      case "RST_STREAM": {
        const stream = this.#streams.get(frame.streamId);
        if (stream === undefined) return;
        this.#trace.record("grpc.rst", {
          conn: this.#conn.id,
          stream: frame.streamId,
          code: frame.code,
          from: "server",
        });
        stream.finish(
          frame.code === Http2ErrorCode.REFUSED_STREAM
            ? { kind: "refused", reason: "stream reset with REFUSED_STREAM" }
            : { kind: "reset", code: frame.code },
        );
        return;
      }
      case "PING":
        if (frame.ack) {
          const pending = this.#pings.get(frame.payload);
          this.#pings.delete(frame.payload);
          pending?.resolve();
        } else {
          this.#conn.send({ type: "PING", ack: true, payload: frame.payload });
        }
        return;
      case "GOAWAY":
        this.#onGoaway(frame);
        return;
      case "PREFACE":
        this.#protocolError("unexpected PREFACE from the server");
        return;
    }
  }

  #onSettings(ack: boolean): void {
    if (ack) return;
    this.#conn.send({ type: "SETTINGS", ack: true, settings: {} });
    if (this.#phase !== "handshaking") return;
    this.#phase = "ready";
    this.#trace.record("grpc.settings", { conn: this.#conn.id, address: this.address });
    const settle = this.#settleReady;
    this.#settleReady = undefined;
    settle?.(undefined);
  }

  #onHeaders(frame: HeadersFrame): void {
    if (this.#phase !== "ready") {
      this.#protocolError("HEADERS before SETTINGS");
      return;
    }
    const stream = this.#streams.get(frame.streamId);
    if (stream === undefined) return;
    if (!frame.endStream) {
      stream.deliverHeaders(applicationMetadata(frame.headers, false));
      return;
    }
    const rawStatus = headerValue(frame.headers, STATUS_HEADER);
    const code = rawStatus === undefined ? Number.NaN : Number(rawStatus);
    stream.finish(
      Number.isInteger(code) && code >= 0
        ? {
            kind: "status",
            code,
            details: headerValue(frame.headers, MESSAGE_HEADER) ?? "",
            metadata: applicationMetadata(frame.headers, true),
          }
        : {
            kind: "status",
            code: GrpcStatus.INTERNAL,
            details: "trailers without a valid grpc-status",
            metadata: applicationMetadata(frame.headers, true),
          },
    );
  }

  #onGoaway(frame: GoawayFrame): void {
    if (this.#phase === "handshaking") {
      this.#phase = "closed";
      this.#conn.reset();
      this.#rejectReady(
        new GrpcTransportError(
          "closed-before-settings",
          `GOAWAY(${frame.lastStreamId}, ${frame.code}, "${frame.debug}") before SETTINGS`,
        ),
      );
      return;
    }
    this.#trace.record("grpc.goaway", {
      conn: this.#conn.id,
      lastStreamId: frame.lastStreamId,
      code: frame.code,
      debug: frame.debug,
      received: true,
    });
    if (frame.lastStreamId > this.#goawayLastStreamId) {
      this.#protocolError(
        `GOAWAY last-stream-id increased from ${this.#goawayLastStreamId} to ${frame.lastStreamId}`,
      );
      return;
    }
    this.#goawayLastStreamId = frame.lastStreamId;
    this.#goawayCode = frame.code;
    this.#goawayDebug = frame.debug;
    // Streams above the last id were never processed: end them as refused (retryable) before the
    // owner hears of the GOAWAY, as the port promises.
    for (const stream of [...this.#streams.values()]) {
      if (stream.id > frame.lastStreamId) {
        stream.finish({
          kind: "refused",
          reason: `stream ${stream.id} above GOAWAY last-stream-id ${frame.lastStreamId}`,
        });
      }
    }
    // A stream's onEnd may have closed the transport: nothing is delivered after onClose.
    if (this.#phase !== "ready") return;
    this.#listener.onGoaway(frame.lastStreamId, frame.code, frame.debug);
  }

  #protocolError(message: string): void {
    this.#trace.record("grpc.protocol-error", { conn: this.#conn.id, message });
    if (this.#phase === "handshaking") {
      this.abortHandshake(new GrpcTransportError("protocol-error", message));
      return;
    }
    this.#conn.send({
      type: "GOAWAY",
      lastStreamId: 0,
      code: Http2ErrorCode.PROTOCOL_ERROR,
      debug: message,
    });
    this.#conn.close();
    this.#teardown(new GrpcTransportError("protocol-error", message), "protocol error");
  }

  #onConnectionClose(reason: CloseReason): void {
    if (this.#phase === "closed") return;
    if (this.#phase === "handshaking") {
      this.#phase = "closed";
      this.#rejectReady(
        new GrpcTransportError(
          "closed-before-settings",
          `connection to ${this.address} ${reason === "reset" ? "reset" : "closed"} before SETTINGS`,
        ),
      );
      return;
    }
    this.#teardown(this.#closeError(reason), `peer ${reason}`);
  }

  /** A clean close after GOAWAY(NO_ERROR) is not an error; everything else is. */
  #closeError(reason: CloseReason): Error | undefined {
    if (reason === "closed" && this.#goawayCode === Http2ErrorCode.NO_ERROR) return undefined;
    if (this.#goawayCode !== undefined && this.#goawayCode !== Http2ErrorCode.NO_ERROR) {
      return new GrpcTransportError(
        "goaway",
        `connection closed after GOAWAY(${this.#goawayLastStreamId}, ${this.#goawayCode}, "${this.#goawayDebug}")`,
      );
    }
    return reason === "reset"
      ? new GrpcTransportError("reset", `connection to ${this.address} was reset`)
      : new GrpcTransportError("closed", `connection to ${this.address} was closed by the server`);
  }

  #teardown(error: Error | undefined, why: string): void {
    if (this.#phase === "closed") return;
    this.#phase = "closed";
    const streamError =
      error ?? new GrpcTransportError("closed", `connection to ${this.address} closed (${why})`);
    for (const stream of [...this.#streams.values()]) {
      stream.finish({ kind: "closed", error: streamError });
    }
    const pings = [...this.#pings.values()];
    this.#pings.clear();
    for (const ping of pings) ping.reject(streamError);
    this.#trace.record("grpc.close", {
      conn: this.#conn.id,
      why,
      error: error === undefined ? null : error.message,
      local: this.#localClose,
    });
    this.#listener.onClose(error);
  }

  #onStreamEnded(stream: GrpcClientStream, end: StreamEnd): void {
    this.#streams.delete(stream.id);
    this.#trace.record("grpc.stream.end", {
      conn: this.#conn.id,
      stream: stream.id,
      ...endFields(end),
    });
  }
}

/** The trace fields describing a stream end. */
function endFields(end: StreamEnd): TraceData {
  switch (end.kind) {
    case "status":
      return { end: "status", code: end.code, details: end.details };
    case "refused":
      return { end: "refused", reason: end.reason };
    case "reset":
      return { end: "reset", code: end.code };
    case "closed":
      return { end: "closed", error: end.error === undefined ? null : end.error.message };
  }
}
