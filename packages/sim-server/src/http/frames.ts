/**
 * The messages of the fake HTTP/1.1 exchange on a virtual connection. One connection carries one
 * request (as with `Connection: close`); framing is by message, so a body may arrive in chunks.
 */

/** A header field as sent on the wire: name as written, value as written. Repeats allowed. */
export type HeaderField = readonly [name: string, value: string];

/** Client → server: the request line and headers (bodies are not needed for GET). */
export interface RequestFrame {
  readonly type: "request";
  readonly method: string;
  /** Path and query, e.g. `/.well-known/jwks.json?x=1`. */
  readonly target: string;
  readonly headers: readonly HeaderField[];
}

/** Server → client: status line and headers. */
export interface HeadFrame {
  readonly type: "head";
  readonly status: number;
  readonly headers: readonly HeaderField[];
}

/** Server → client: one piece of the body. */
export interface BodyFrame {
  readonly type: "body";
  readonly chunk: Uint8Array;
}

/** Server → client: the body is complete. */
export interface EndFrame {
  readonly type: "end";
}

/** Any frame of the exchange. */
export type HttpFrame = RequestFrame | HeadFrame | BodyFrame | EndFrame;
