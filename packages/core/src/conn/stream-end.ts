import { Status, toStatus } from "./status.js";
import { StatusError } from "./status-error.js";
import { Http2ErrorCode, type StreamEnd } from "./transport.js";

/**
 * Maps an RST_STREAM code to a gRPC status (PROTOCOL-HTTP2.md "Errors").
 *
 * @internal
 */
export function statusOfReset(code: number): StatusError {
  switch (code) {
    case Http2ErrorCode.CANCEL:
      return new StatusError(Status.CANCELLED, "stream reset with CANCEL");
    case Http2ErrorCode.REFUSED_STREAM:
      return new StatusError(Status.UNAVAILABLE, "stream refused");
    case Http2ErrorCode.ENHANCE_YOUR_CALM:
      return new StatusError(Status.RESOURCE_EXHAUSTED, "stream reset with ENHANCE_YOUR_CALM");
    case Http2ErrorCode.INADEQUATE_SECURITY:
      return new StatusError(Status.PERMISSION_DENIED, "stream reset with INADEQUATE_SECURITY");
    default:
      return new StatusError(Status.INTERNAL, `stream reset with code ${code}`);
  }
}

/**
 * The error a non-OK, non-retried stream end stands for.
 *
 * @internal
 */
export function errorOfEnd(end: StreamEnd): StatusError {
  switch (end.kind) {
    case "status":
      return new StatusError(toStatus(end.code), end.details, { metadata: end.metadata });
    case "refused":
      return new StatusError(Status.UNAVAILABLE, `stream refused: ${end.reason}`);
    case "reset":
      return statusOfReset(end.code);
    case "closed":
      return new StatusError(
        Status.UNAVAILABLE,
        `connection closed: ${end.error?.message ?? "no error"}`,
        { cause: end.error },
      );
  }
}
