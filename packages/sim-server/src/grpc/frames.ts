import type { Http2ErrorCodeValue, Metadata } from "@dsim/core";

/**
 * The frames of the fake HTTP/2 transport. They travel as plain JS objects over a
 * `VirtualConnection`, so there is no byte encoding: a frame is what the peer's handler receives.
 */

/** The largest HTTP/2 stream id (2³¹−1); also the "heads-up" last-stream-id of a graceful GOAWAY. */
export const MAX_STREAM_ID = 2 ** 31 - 1;

/** The client connection preface (the `PRI * HTTP/2.0` magic). Must be the client's first frame. */
export interface PrefaceFrame {
  readonly type: "PREFACE";
}

/** SETTINGS, or its acknowledgement when `ack` is true. */
export interface SettingsFrame {
  readonly type: "SETTINGS";
  readonly ack: boolean;
  readonly settings: Readonly<Record<string, number>>;
}

/**
 * HEADERS. Request headers carry the `:path` pseudo-header; a HEADERS frame with `endStream` sent
 * by the server is the trailers block and carries `grpc-status` / `grpc-message`.
 */
export interface HeadersFrame {
  readonly type: "HEADERS";
  readonly streamId: number;
  readonly headers: Metadata;
  readonly endStream: boolean;
}

/** DATA: one whole gRPC message, or none when the frame only carries END_STREAM. */
export interface DataFrame {
  readonly type: "DATA";
  readonly streamId: number;
  readonly message?: Uint8Array;
  readonly endStream: boolean;
}

/** RST_STREAM: abortive end of one stream with an HTTP/2 error code. */
export interface RstStreamFrame {
  readonly type: "RST_STREAM";
  readonly streamId: number;
  readonly code: Http2ErrorCodeValue;
}

/** PING, or its acknowledgement (same payload) when `ack` is true. */
export interface PingFrame {
  readonly type: "PING";
  readonly ack: boolean;
  readonly payload: number;
}

/** GOAWAY (RFC 9113 §6.8). */
export interface GoawayFrame {
  readonly type: "GOAWAY";
  readonly lastStreamId: number;
  readonly code: Http2ErrorCodeValue;
  readonly debug: string;
}

/** Every frame of the fake transport. */
export type GrpcFrame =
  | PrefaceFrame
  | SettingsFrame
  | HeadersFrame
  | DataFrame
  | RstStreamFrame
  | PingFrame
  | GoawayFrame;

/** The pseudo-header that names the method of a request. */
export const PATH_HEADER = ":path";
/** The trailer that carries the numeric gRPC status. */
export const STATUS_HEADER = "grpc-status";
/** The trailer that carries the status message. */
export const MESSAGE_HEADER = "grpc-message";

/** Builds request headers: the caller's metadata plus `:path`. */
export function requestHeaders(method: string, metadata: Metadata): Metadata {
  return { ...metadata, [PATH_HEADER]: [method] };
}

/** Builds a trailers block: the handler's trailing metadata plus the status fields. */
export function trailerHeaders(code: number, details: string, metadata: Metadata): Metadata {
  return { ...metadata, [STATUS_HEADER]: [String(code)], [MESSAGE_HEADER]: [details] };
}

/** The first value of a header, if any. */
export function headerValue(headers: Metadata, key: string): string | undefined {
  return headers[key]?.[0];
}

/**
 * Removes the transport's own keys (pseudo-headers and, when `stripStatus`, the status fields)
 * so that callers only see application metadata.
 */
export function applicationMetadata(headers: Metadata, stripStatus: boolean): Metadata {
  const out: Record<string, readonly string[]> = {};
  for (const [key, values] of Object.entries(headers)) {
    if (key.startsWith(":")) continue;
    if (stripStatus && (key === STATUS_HEADER || key === MESSAGE_HEADER)) continue;
    out[key] = values;
  }
  return out;
}

/**
 * Copies a message so that neither side can mutate the bytes the other side holds: frames are
 * passed by reference through the virtual network.
 */
export function copyMessage(message: Uint8Array): Uint8Array {
  return message.slice();
}
