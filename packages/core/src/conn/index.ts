export type { ConnErrorCode } from "./error-codes.js";
export type { Metadata } from "./metadata.js";
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
