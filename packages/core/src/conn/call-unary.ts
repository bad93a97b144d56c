import type { CallHost } from "./call-host.js";
import {
  type CallOptions,
  type CallScope,
  callScope,
  type MethodDescriptor,
  resolveCall,
} from "./call-options.js";
import type { LiveTransport } from "./live-transport.js";
import type { Metadata } from "./metadata.js";
import { Status } from "./status.js";
import { StatusError } from "./status-error.js";
import { errorOfEnd } from "./stream-end.js";
import type { StreamEnd, TransportStream } from "./transport.js";

/** Transparent retries of a refused (provably unprocessed) RPC: at most one (gRFC A6). */
const MAX_TRANSPARENT_RETRIES = 1;
/** Re-picks after a transport turned out to be draining before anything was written. */
const MAX_UNSENT_REPICKS = 8;

type Attempt =
  | { readonly kind: "unsent" }
  | {
      readonly kind: "ended";
      readonly end: StreamEnd;
      readonly message: Uint8Array | undefined;
      readonly extra: boolean;
    };

function attemptOnce(
  live: LiveTransport,
  path: string,
  metadata: Metadata,
  request: Uint8Array,
  scope: CallScope,
): Promise<Attempt> {
  return new Promise<Attempt>((resolve) => {
    let message: Uint8Array | undefined;
    let extra = false;
    let stream: TransportStream;
    const onAbort = (): void => stream.cancel();
    try {
      stream = live.openStream({
        method: path,
        metadata,
        listener: {
          onHeaders: () => {},
          onMessage: (bytes) => {
            if (message === undefined) message = bytes;
            else extra = true;
          },
          onEnd: (end) => {
            scope.signal.removeEventListener("abort", onAbort);
            resolve({ kind: "ended", end, message, extra });
          },
        },
      });
    } catch {
      // Nothing was written: the transport started draining between the pick and the open.
      resolve({ kind: "unsent" });
      return;
    }
    stream.sendMessage(request);
    stream.halfClose();
    if (scope.signal.aborted) stream.cancel();
    else scope.signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs one unary RPC through the channel: admission, one stream, at most one transparent retry of
 * a refused stream, and never a re-send of an RPC that may have run.
 *
 * @internal
 */
export async function runUnary<Req, Res>(
  host: CallHost,
  method: MethodDescriptor<Req, Res>,
  request: Req,
  options: CallOptions,
): Promise<Res> {
  const { metadata, waitForReady } = resolveCall(method, options);
  let bytes: Uint8Array;
  try {
    bytes = method.requestCodec.encode(request);
  } catch (error) {
    throw new StatusError(Status.INTERNAL, "request encoding failed", { cause: error });
  }
  if (options.deadline !== undefined && options.deadline <= host.clock.now()) {
    throw new StatusError(Status.DEADLINE_EXCEEDED, "deadline already passed");
  }
  const scope = callScope(host.clock, options);
  host.callStarted();
  try {
    let refusedRetries = 0;
    let unsent = 0;
    for (;;) {
      const live = await host.pick(waitForReady, scope.signal, scope.abortError);
      const attempt = await attemptOnce(live, method.path, metadata, bytes, scope);
      if (attempt.kind === "unsent") {
        unsent += 1;
        if (unsent > MAX_UNSENT_REPICKS) {
          throw new StatusError(Status.UNAVAILABLE, "no transport accepted the stream");
        }
        continue;
      }
      const { end } = attempt;
      if (scope.signal.aborted && end.kind !== "status") throw scope.abortError();
      if (end.kind === "refused") {
        if (refusedRetries < MAX_TRANSPARENT_RETRIES) {
          refusedRetries += 1;
          host.logger?.log("debug", "transparent retry of a refused stream", {
            method: method.path,
          });
          continue;
        }
        throw errorOfEnd(end);
      }
      if (end.kind === "status") {
        if (end.code !== Status.OK) throw errorOfEnd(end);
        if (attempt.message === undefined) {
          throw new StatusError(Status.UNIMPLEMENTED, "OK status without a response message");
        }
        if (attempt.extra) {
          throw new StatusError(
            Status.UNIMPLEMENTED,
            "more than one response message for a unary call",
          );
        }
        try {
          return method.responseCodec.decode(attempt.message);
        } catch (error) {
          throw new StatusError(Status.INTERNAL, "response decoding failed", { cause: error });
        }
      }
      // reset or closed: the server may have processed it, so it is never re-sent.
      throw errorOfEnd(end);
    }
  } finally {
    scope.clear();
    host.callEnded();
  }
}
