import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { encodeGrpcMessage, GrpcMessageDecoder } from "@dsim/core/adapters/http2";
import type { OwnedClock } from "@dsim/sim-server";
import type { StatusProbe } from "../conn/conn-case.js";
import {
  ECHO_METHOD,
  LATE_PROBE_MS,
  PROBE_STATUS,
  STATUS_METHOD,
  STREAM_METHOD,
} from "../conn/world.js";

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

type Trailers = Record<string, string>;

const OK_TRAILERS: Trailers = { "grpc-status": "0" };

/** Starts the response once; `trailers()` (default OK) is sent after the stream's end. */
function respondOnce(
  stream: ServerHttp2Stream,
  ctx: EchoContext,
  trailers: () => Trailers = () => OK_TRAILERS,
): void {
  if (stream.headersSent) return;
  ctx.sending(stream);
  stream.respond(OK_HEADERS, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers(trailers()));
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
  if (path === STATUS_METHOD) {
    serveStatusProbe(stream, headers, ctx, decoder);
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

/**
 * `STATUS_METHOD`, as the fake server serves it: echoes each message (twice for `ok-two-messages`,
 * never for `ok-empty`), and once the client half-closed ends with the probe's status (`deadline`:
 * OK, but only after `LATE_PROBE_MS`).
 */
function serveStatusProbe(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  ctx: EchoContext,
  decoder: GrpcMessageDecoder,
): void {
  const header = headers["x-status"];
  const probe = typeof header === "string" ? (header as StatusProbe) : undefined;
  const id = headers["x-rpc-id"];
  let trailers = OK_TRAILERS;
  stream.on("data", (chunk: Buffer) => {
    for (const message of decoder.push(chunk)) {
      const copies = probe === "ok-two-messages" ? 2 : probe === "ok-empty" ? 0 : 1;
      for (let i = 0; i < copies; i++) {
        respondOnce(stream, ctx, () => trailers);
        ctx.sending(stream);
        stream.write(encodeGrpcMessage(message));
      }
    }
  });
  stream.on("end", () => {
    const finish = (): void => {
      if (stream.destroyed || stream.closed) return;
      const code = probe === undefined ? undefined : PROBE_STATUS[probe];
      if (code !== undefined) {
        const details = `probe ${probe ?? ""} of ${typeof id === "string" ? id : "?"}`;
        trailers = { "grpc-status": String(code), "grpc-message": encodeURIComponent(details) };
      }
      if (stream.headersSent) {
        stream.end();
        return;
      }
      // Nothing was sent: a trailers-only response.
      ctx.sending(stream);
      stream.respond({ ...OK_HEADERS, ...trailers }, { endStream: true });
    };
    if (probe !== "deadline") {
      finish();
      return;
    }
    const handle = ctx.clock.setTimeout(finish, LATE_PROBE_MS);
    stream.once("close", () => ctx.clock.clearTimeout(handle));
  });
}

/** Refuses a stream before the application sees it (RST_STREAM REFUSED_STREAM). */
export function refuse(stream: ServerHttp2Stream): void {
  stream.close(constants.NGHTTP2_REFUSED_STREAM);
}
