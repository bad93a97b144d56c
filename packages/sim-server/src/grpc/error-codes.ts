/**
 * Why a fake transport operation failed (the `reason` of a {@link GrpcTransportError}). A literal
 * union so that tests and suites can switch on it exhaustively.
 */
export type GrpcTransportErrorReason =
  /** Nothing listens at the address (the network answered ECONNREFUSED). */
  | "refused"
  /** The connection closed or was reset before the server's SETTINGS arrived. */
  | "closed-before-settings"
  /** The peer sent GOAWAY: no new stream may be opened on this connection. */
  | "goaway"
  /** The transport was closed (locally or by the peer). */
  | "closed"
  /** The peer reset the connection. */
  | "reset"
  /** The peer broke the protocol (e.g. a GOAWAY whose last-stream-id increased). */
  | "protocol-error"
  /** No more stream ids are available on this connection. */
  | "stream-ids-exhausted";
