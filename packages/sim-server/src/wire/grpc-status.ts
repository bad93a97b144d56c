import { GrpcCode } from "@dsim/core";
import type { ServiceError } from "@grpc/grpc-js";
import { Metadata } from "@grpc/grpc-js";

/** A status as a grpc-js handler reports it (`callback(error)` or `call.emit("error", …)`). */
export type WireStatus = Partial<ServiceError> & { code: number; details: string };

/**
 * Turns a failure of the fake etcd into the status grpc-js sends: `EtcdStatusError` and
 * `EtcdTransportError` carry etcd's exact code and message; anything else is UNKNOWN with its
 * message (as grpc-go reports a plain handler error).
 */
export function toWireStatus(error: unknown): WireStatus {
  if (typeof error === "object" && error !== null) {
    const { code, details } = error as { code?: unknown; details?: unknown };
    if (typeof code === "number" && typeof details === "string") {
      return wireStatus(code, details);
    }
  }
  return wireStatus(GrpcCode.UNKNOWN, error instanceof Error ? error.message : String(error));
}

/** A status object grpc-js accepts, with an `Error` shape for stack-minded listeners. */
export function wireStatus(code: number, details: string): WireStatus {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}
