/**
 * `@dsim/core/adapters/http2`: core's transport port over `node:http2`, so that `ClientConn` (and
 * the lessor on top of it) talks to real gRPC servers such as etcd.
 */

export { AdapterError } from "../adapter-error.js";
export type { AdapterErrorCode } from "../error-codes.js";
export {
  DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
  encodeGrpcMessage,
  encodeGrpcMessages,
  GRPC_PREFIX_BYTES,
  GrpcMessageDecoder,
} from "./grpc-framing.js";
export { decodeGrpcMessage, readGrpcStatus, statusOfHttp } from "./grpc-status.js";
export { Http2Dialer, type Http2DialerOptions } from "./http2-dialer.js";
