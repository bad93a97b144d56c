import type { Metadata } from "@dsim/core";
import type { BidiHandler, UnaryContext, UnaryHandler } from "./handlers.js";
import type { ServerStream } from "./server-stream.js";
import { GrpcStatus, statusFromError } from "./status.js";

/** A registered handler. */
export type RegisteredHandler =
  | { readonly kind: "unary"; readonly handler: UnaryHandler }
  | { readonly kind: "bidi"; readonly handler: BidiHandler };

/**
 * Runs a unary call: reads the whole request, asks `dropRequest` whether it is lost, calls the
 * handler and sends its response. Never rejects: every failure becomes a status.
 */
export async function runUnary(
  stream: ServerStream,
  handler: UnaryHandler,
  dropRequest: () => boolean,
): Promise<void> {
  const requests: Uint8Array[] = [];
  for await (const message of stream.messages) requests.push(message);
  if (stream.ended) return;
  const request = requests[0];
  if (requests.length !== 1 || request === undefined) {
    stream.end({
      code: GrpcStatus.INTERNAL,
      details: `unary method ${stream.method} received ${requests.length} request messages`,
    });
    return;
  }
  if (dropRequest()) {
    stream.abandon("request-dropped");
    return;
  }
  let headers: Metadata = {};
  let trailers: Metadata = {};
  const context: UnaryContext = {
    method: stream.method,
    metadata: stream.metadata,
    signal: stream.signal,
    connectionId: stream.connectionId,
    streamId: stream.streamId,
    peer: stream.peer,
    clock: stream.clock,
    setHeaders: (metadata) => {
      headers = metadata;
    },
    setTrailers: (metadata) => {
      trailers = metadata;
    },
  };
  try {
    const response = await handler(request, context);
    if (!(response instanceof Uint8Array)) {
      throw new TypeError(`unary handler for ${stream.method} did not return a Uint8Array`);
    }
    stream.respondUnary(response, headers, trailers);
  } catch (error) {
    const status = statusFromError(error);
    stream.end({ ...status, metadata: { ...trailers, ...status.metadata } });
  }
}

/** Runs a streaming call and ends it when the handler settles. Never rejects. */
export async function runBidi(stream: ServerStream, handler: BidiHandler): Promise<void> {
  try {
    await handler(stream);
    stream.end();
  } catch (error) {
    stream.end(statusFromError(error));
  }
}
