import type { Clock, Http2ErrorCodeValue, Metadata } from "@dsim/core";
import type { GrpcStatusCode } from "./status.js";

/** What every handler knows about its call. */
export interface ServerCallContext {
  /** The full method path. */
  readonly method: string;
  /** The request metadata (pseudo-headers removed). */
  readonly metadata: Metadata;
  /**
   * Aborts when the call is over for the handler: the client reset the stream, the connection died,
   * the server stopped, or the call ended.
   */
  readonly signal: AbortSignal;
  /** The network connection id. */
  readonly connectionId: number;
  /** The HTTP/2 stream id. */
  readonly streamId: number;
  /** The client host. */
  readonly peer: string;
  /** The server's clock view, for handlers that take (virtual) time. */
  readonly clock: Clock;
}

/** The context of a unary call. */
export interface UnaryContext extends ServerCallContext {
  /** Metadata for the response headers. Call before the handler returns. */
  setHeaders(metadata: Metadata): void;
  /** Metadata for the trailers. Call before the handler returns (or throws). */
  setTrailers(metadata: Metadata): void;
}

/**
 * A unary handler: one request in, one response out. Throw a `GrpcStatusError` to end the call
 * with that status; any other throw ends it with UNKNOWN.
 */
export type UnaryHandler = (
  request: Uint8Array,
  context: UnaryContext,
) => Promise<Uint8Array> | Uint8Array;

/** The status a streaming handler ends its call with. Every field is optional; default OK. */
export interface EndStatus {
  readonly code?: GrpcStatusCode;
  readonly details?: string;
  /** Trailing metadata. */
  readonly metadata?: Metadata;
}

/** One bidirectional streaming call as its handler sees it. */
export interface BidiCall extends ServerCallContext {
  /**
   * The client's messages. Iteration ends when the client half-closes, and also (after dropping
   * what is buffered) when the call is cancelled — check {@link ServerCallContext.signal}.
   * Iterate at most once.
   */
  readonly messages: AsyncIterable<Uint8Array>;
  /** True once the call ended (status sent, reset, or cancelled). */
  readonly ended: boolean;
  /** Sends response headers now (otherwise they go with the first message or the status). */
  sendHeaders(metadata: Metadata): void;
  /**
   * Sends one message. Returns false when the call is over. A message lost to a `dropResponses`
   * fault still returns true: the server cannot tell.
   */
  write(message: Uint8Array): boolean;
  /** Ends the call with trailers carrying the status (OK by default). Idempotent. */
  end(status?: EndStatus): void;
  /** Ends the call abortively with RST_STREAM(code). Idempotent. */
  reset(code: Http2ErrorCodeValue): void;
}

/**
 * A streaming handler (bidi; server- and client-streaming are special cases). When its promise
 * settles and the call has not ended, the server ends it: OK on success, the thrown status
 * otherwise.
 */
export type BidiHandler = (call: BidiCall) => Promise<void> | void;
