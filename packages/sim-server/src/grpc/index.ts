/** The fake gRPC / HTTP/2-like transport: client dialer and transport, server, faults, status. */
export { GrpcClientStream } from "./client-stream.js";
export { GrpcClientTransport } from "./client-transport.js";
export { GrpcDialer, type GrpcDialerOptions } from "./dialer.js";
export type { GrpcTransportErrorReason } from "./error-codes.js";
export { GrpcTransportError, isGrpcTransportError } from "./errors.js";
export type { AcceptThenCloseOptions, GrpcConnectionFaultMode, GrpcFaultRule } from "./faults.js";
export {
  type DataFrame,
  type GoawayFrame,
  type GrpcFrame,
  type HeadersFrame,
  MAX_STREAM_ID,
  type PingFrame,
  type PrefaceFrame,
  type RstStreamFrame,
  type SettingsFrame,
} from "./frames.js";
export type {
  BidiCall,
  BidiHandler,
  EndStatus,
  ServerCallContext,
  UnaryContext,
  UnaryHandler,
} from "./handlers.js";
export { DEFAULT_PING_POLICY, PingEnforcer, type PingPolicy } from "./ping-policy.js";
export {
  type GoawayOptions,
  GrpcServer,
  type GrpcServerOptions,
  type InjectGoawayOptions,
} from "./server.js";
export type { GoawayMode } from "./server-connection.js";
export type {
  AcceptRecord,
  GoawayRecord,
  GrpcServerStats,
  PingRecord,
  RstRecord,
  StreamRecord,
} from "./server-stats.js";
export {
  type CallStatus,
  GrpcStatus,
  type GrpcStatusCode,
  GrpcStatusError,
  statusFromError,
} from "./status.js";
export type { GrpcWorld } from "./world.js";
