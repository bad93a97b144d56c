import type { Metadata } from "./metadata.js";

/**
 * The transport port: what the connection manager drives. One {@link ClientTransport} is one
 * HTTP/2 connection. The simulation's fake transport and the `node:http2` adapter implement it.
 *
 * Events are delivered synchronously to the listener given at dial/open time, so no event can be
 * lost between creating the object and subscribing to it.
 */

/** HTTP/2 error codes (RFC 9113 §7) used in GOAWAY and RST_STREAM. */
export const Http2ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const;

/** A numeric HTTP/2 error code; unknown codes from a peer are kept as numbers. */
export type Http2ErrorCodeValue = number;

/** Connection-level events a transport reports to its owner. */
export interface TransportListener {
  /**
   * The peer sent GOAWAY. The transport already refuses new streams and has failed every stream
   * with id > `lastStreamId` with a `refused` end. May be called more than once (two-phase
   * graceful shutdown); `lastStreamId` never increases.
   */
  onGoaway(lastStreamId: number, code: Http2ErrorCodeValue, debug: string): void;
  /**
   * The connection is gone (closed by the peer, reset, keepalive timeout, or `close()`). Called
   * exactly once; every still-open stream has already ended with a `closed` end.
   */
  onClose(error: Error | undefined): void;
}

/** Options for one dial attempt. */
export interface DialOptions {
  /** Aborting cancels the attempt; the connect deadline arrives this way. */
  readonly signal: AbortSignal;
  /** Receives the connection's events once the dial has resolved. */
  readonly listener: TransportListener;
}

/**
 * Opens connections. `dial` resolves only once the server's SETTINGS frame has arrived (the
 * connection is really accepted); it rejects when the connection is refused, reset or closed
 * before SETTINGS, or when `signal` aborts.
 */
export interface Dialer {
  dial(address: string, options: DialOptions): Promise<ClientTransport>;
}

/** How a stream ended, as the transport saw it. */
export type StreamEnd =
  /** Trailers arrived with a gRPC status (OK or not). */
  | {
      readonly kind: "status";
      readonly code: number;
      readonly details: string;
      readonly metadata: Metadata;
    }
  /**
   * The server provably did not process the stream: it was above a GOAWAY's last-stream-id, or it
   * was reset with REFUSED_STREAM. Safe to retry on another connection.
   */
  | { readonly kind: "refused"; readonly reason: string }
  /** The peer reset the stream with another code. The request may have been processed. */
  | { readonly kind: "reset"; readonly code: Http2ErrorCodeValue }
  /** The connection died under the stream. The request may have been processed. */
  | { readonly kind: "closed"; readonly error: Error | undefined };

/** Stream-level events. `onEnd` is called exactly once and nothing is delivered after it. */
export interface StreamListener {
  /** Response headers arrived. */
  onHeaders(metadata: Metadata): void;
  /** One whole message arrived (framing already removed). */
  onMessage(message: Uint8Array): void;
  /** The stream ended. */
  onEnd(end: StreamEnd): void;
}

/** One open HTTP/2 stream carrying one RPC. */
export interface TransportStream {
  /** The HTTP/2 stream id: odd and increasing on a client transport. */
  readonly id: number;
  /** Sends one message. Returns false when the stream can no longer send (ended or half-closed). */
  sendMessage(message: Uint8Array): boolean;
  /** Half-closes the client side (END_STREAM): no more messages from the client. */
  halfClose(): void;
  /** Resets the stream with CANCEL. The listener then receives a `reset` end with CANCEL. */
  cancel(): void;
}

/** Options for opening a stream. */
export interface OpenStreamOptions {
  /** The full method path, e.g. `/etcdserverpb.Lease/LeaseGrant`. */
  readonly method: string;
  /** Request metadata (headers). */
  readonly metadata: Metadata;
  /** The stream's events. */
  readonly listener: StreamListener;
}

/** One established HTTP/2 connection. */
export interface ClientTransport {
  /** The address this transport is connected to. */
  readonly address: string;
  /**
   * Opens a stream. Throws a `TransportUnavailableError`-style `Error` (message says why) when the
   * transport has received GOAWAY or is closed: a caller must never open a stream on a draining
   * transport, and the connection manager checks {@link ClientTransport.draining} first.
   */
  openStream(options: OpenStreamOptions): TransportStream;
  /** Sends PING; resolves on the ack, rejects when the transport closes or `signal` aborts. */
  ping(signal: AbortSignal): Promise<void>;
  /** True once GOAWAY was received or `close()` was called. */
  readonly draining: boolean;
  /** Number of streams that have not ended yet. */
  readonly activeStreams: number;
  /** Closes the connection now; open streams end with `closed`. Idempotent. */
  close(): void;
}
