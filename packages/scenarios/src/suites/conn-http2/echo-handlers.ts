import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { encodeGrpcMessage, GrpcMessageDecoder } from "@dsim/core/adapters/http2";
import type { OwnedClock } from "@dsim/sim-server";
import { ECHO_METHOD, STREAM_METHOD } from "../conn/world.js";

/** What the echo handlers need from their server. */
export interface EchoContext {
  /** The server's clock view (processing delays). */
  readonly clock: OwnedClock;
  /** Default processing time of a unary call. */
  readonly processingMs: number;
  /** The server is about to send headers or data on the stream's connection. */
  sending(stream: ServerHttp2Stream): void;
}

const OK_HEADERS = { ":status": 200, "content-type": "application/grpc" } as const;

/** Starts the response once; trailers (OK) follow the stream's end. */
function respondOnce(stream: ServerHttp2Stream, ctx: EchoContext): void {
  if (stream.headersSent) return;
  ctx.sending(stream);
  stream.respond(OK_HEADERS, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
}

/**
 * Serves the conn suite's two methods as the fake server does: `ECHO_METHOD` answers the request
 * after the `x-delay-ms` metadata (or the default processing time) of server time; `STREAM_METHOD`
 * echoes every message until the client half-closes. Anything else is UNIMPLEMENTED.
 */
export function serveEcho(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  ctx: EchoContext,
): void {
  const decoder = new GrpcMessageDecoder();
  const path = headers[":path"];
  if (path === STREAM_METHOD) {
    stream.on("data", (chunk: Buffer) => {
      for (const message of decoder.push(chunk)) {
        respondOnce(stream, ctx);
        ctx.sending(stream);
        stream.write(encodeGrpcMessage(message));
      }
    });
    stream.on("end", () => {
      if (stream.destroyed) return;
      respondOnce(stream, ctx);
      stream.end();
    });
    return;
  }
  if (path !== ECHO_METHOD) {
    ctx.sending(stream);
    stream.respond({ ...OK_HEADERS, "grpc-status": "12" }, { endStream: true });
    return;
  }
  const messages: Uint8Array[] = [];
  stream.on("data", (chunk: Buffer) => {
    messages.push(...decoder.push(chunk));
  });
  stream.on("end", () => {
    const delayHeader = headers["x-delay-ms"];
    const delayMs = typeof delayHeader === "string" ? Number(delayHeader) : ctx.processingMs;
    const answer = (): void => {
      if (stream.destroyed || stream.closed) return;
      respondOnce(stream, ctx);
      for (const message of messages) stream.write(encodeGrpcMessage(message));
      stream.end();
    };
    if (delayMs <= 0) {
      answer();
      return;
    }
    const handle = ctx.clock.setTimeout(answer, delayMs);
    // A call the client cancelled (or whose connection died) needs no answer and no timer.
    stream.once("close", () => ctx.clock.clearTimeout(handle));
  });
}

/** Refuses a stream before the application sees it (RST_STREAM REFUSED_STREAM). */
export function refuse(stream: ServerHttp2Stream): void {
  stream.close(constants.NGHTTP2_REFUSED_STREAM);
}
