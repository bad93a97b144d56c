export type { BalancerName } from "./balancer.js";
export type { BidiCall, BidiListener } from "./call-bidi.js";
export type { CallOptions, MethodDescriptor } from "./call-options.js";
export { ClientConn } from "./client-conn.js";
export { bytesCodec, type Codec, jsonCodec } from "./codec.js";
export { ConnectivityState, isSpecTransition } from "./connectivity-state.js";
export type { ConnErrorCode } from "./error-codes.js";
export {
  DEFAULT_KEEPALIVE_TIMEOUT_MS,
  type KeepaliveOptions,
  MAX_KEEPALIVE_TIME_MS,
} from "./keepalive.js";
export type { Metadata } from "./metadata.js";
export { type ClientConnOptions, DEFAULT_IDLE_TIMEOUT_MS } from "./options.js";
export {
  type AddressListener,
  iterableResolver,
  ManualResolver,
  type Resolver,
  staticResolver,
} from "./resolver.js";
export { Status, statusName, toStatus } from "./status.js";
export { isStatusError, StatusError, type StatusErrorOptions } from "./status-error.js";
export {
  type ClientTransport,
  type Dialer,
  type DialOptions,
  Http2ErrorCode,
  type Http2ErrorCodeValue,
  type OpenStreamOptions,
  type StreamEnd,
  type StreamListener,
  type TransportListener,
  type TransportStream,
} from "./transport.js";
