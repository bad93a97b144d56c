/** Error codes raised by the production adapters (`@dsim/core/adapters/*`). */
export type AdapterErrorCode =
  /** A connection could not be established (refused, reset or closed before SETTINGS). */
  | "CONNECT_FAILED"
  /** The peer broke the gRPC or HTTP/2 protocol (bad framing, compressed message, oversize). */
  | "PROTOCOL_ERROR";
