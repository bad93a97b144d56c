import { AsyncQueue } from "./async-queue.js";
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

/** Push delivery of a bidi call's responses (see {@link BidiCall.listen}). */
export interface BidiListener<Res> {
  /** One response, delivered synchronously as soon as it is decoded. */
  onMessage(message: Res): void;
  /**
   * The call ended, exactly once, after every response: `undefined` after an OK status, otherwise
   * the error iteration would throw (a {@link StatusError} or the caller's abort reason).
   */
  onEnd(error: unknown): void;
}

/**
 * A bidirectional streaming RPC. Iterate it for the responses: iteration ends after an OK status
 * and throws a {@link StatusError} otherwise. Leaving the loop early (`break`) cancels the call.
 * A long-lived stream that must not pay a promise per message can {@link BidiCall.listen} instead.
 */
export interface BidiCall<Req, Res> extends AsyncIterable<Res>, AsyncDisposable {
  /** Sends one request. False once the call has ended or the client side was half-closed. */
  send(message: Req): boolean;
  /** Half-closes the client side: no more requests. */
  halfClose(): void;
  /** Cancels the call: the server sees RST_STREAM(CANCEL), the iteration throws CANCELLED. */
  cancel(): void;
  /** Response headers, once they arrived. */
  readonly headers: Metadata | undefined;
  /** True once the call has ended (status, error or cancel). */
  readonly ended: boolean;
  /** Cancels the call if it is still running and drops unread responses. Idempotent. */
  close(): Promise<void>;
  /**
   * Switches to push delivery: responses already received and every later one go to
   * `listener.onMessage` synchronously, then the end to `listener.onEnd` once. Use it instead of
   * iterating, at most once.
   *
   * @throws Error when a listener is already set.
   */
  listen(listener: BidiListener<Res>): void;
}

/** @internal */
class Bidi<Req, Res> implements BidiCall<Req, Res> {
  readonly #host: CallHost;
  readonly #method: MethodDescriptor<Req, Res>;
  readonly #metadata: Metadata;
  readonly #waitForReady: boolean;
  readonly #scope: CallScope;
  readonly #responses = new AsyncQueue<Res>();
  #stream: TransportStream | undefined;
  // Requests sent so far, kept only until the server shows it processed the stream (headers or a
  // message): a refused stream is replayed from here on a new connection, once.
  #replay: Uint8Array[] | undefined = [];
  #retried = false;
  #halfClosed = false;
  #ended = false;
  /** How the call ended (`undefined`: OK), for a listener set after the end. */
  #endError: unknown;
  #listener: BidiListener<Res> | undefined;
  #headers: Metadata | undefined;
  readonly #onAbort = (): void => this.#stream?.cancel();

  constructor(
    host: CallHost,
    method: MethodDescriptor<Req, Res>,
    metadata: Metadata,
    waitForReady: boolean,
    scope: CallScope,
  ) {
    this.#host = host;
    this.#method = method;
    this.#metadata = metadata;
    this.#waitForReady = waitForReady;
    this.#scope = scope;
  }

  get headers(): Metadata | undefined {
    return this.#headers;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Opens the stream on `live`; false when the transport refused to open it (nothing sent). */
  open(live: LiveTransport): boolean {
    let stream: TransportStream;
    try {
      stream = live.openStream({
        method: this.#method.path,
        metadata: this.#metadata,
        listener: {
          onHeaders: (metadata) => {
            if (this.#stream !== stream) return;
            this.#headers = metadata;
            this.#replay = undefined;
          },
          onMessage: (bytes) => {
            if (this.#stream !== stream) return;
            this.#replay = undefined;
            let value: Res;
            try {
              value = this.#method.responseCodec.decode(bytes);
            } catch (error) {
              this.#finish(
                new StatusError(Status.INTERNAL, "response decoding failed", { cause: error }),
              );
              stream.cancel();
              return;
            }
            if (this.#listener === undefined) this.#responses.push(value);
            else this.#listener.onMessage(value);
          },
          onEnd: (end) => {
            if (this.#stream !== stream) return;
            this.#onEnd(end);
          },
        },
      });
    } catch {
      return false;
    }
    this.#stream = stream;
    for (const bytes of this.#replay ?? []) stream.sendMessage(bytes);
    if (this.#halfClosed) stream.halfClose();
    if (this.#scope.signal.aborted) stream.cancel();
    else this.#scope.signal.addEventListener("abort", this.#onAbort, { once: true });
    return true;
  }

  send(message: Req): boolean {
    if (this.#ended || this.#halfClosed) return false;
    let bytes: Uint8Array;
    try {
      bytes = this.#method.requestCodec.encode(message);
    } catch (error) {
      this.#finish(new StatusError(Status.INTERNAL, "request encoding failed", { cause: error }));
      this.#stream?.cancel();
      return false;
    }
    this.#replay?.push(bytes);
    // While a refused stream is being reopened there is no stream: the replay buffer carries it.
    if (this.#stream === undefined) return true;
    return this.#stream.sendMessage(bytes);
  }

  halfClose(): void {
    if (this.#ended || this.#halfClosed) return;
    this.#halfClosed = true;
    this.#stream?.halfClose();
  }

  cancel(): void {
    if (this.#ended) return;
    this.#scope.cancel();
    // Without a stream (reopening) nobody else will end the call.
    if (this.#stream === undefined) this.#finish(this.#scope.abortError());
  }

  listen(listener: BidiListener<Res>): void {
    if (this.#listener !== undefined) throw new Error("BidiCall.listen: a listener is already set");
    this.#listener = listener;
    this.#responses.drain((message) => listener.onMessage(message));
    if (this.#ended) listener.onEnd(this.#endError);
  }

  [Symbol.asyncIterator](): AsyncIterator<Res> {
    return {
      next: () => this.#responses.next(),
      return: async () => {
        this.cancel();
        this.#responses.discard();
        return { value: undefined, done: true };
      },
    };
  }

  async close(): Promise<void> {
    this.cancel();
    this.#responses.discard();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #onEnd(end: StreamEnd): void {
    this.#scope.signal.removeEventListener("abort", this.#onAbort);
    if (this.#scope.signal.aborted && end.kind !== "status") {
      this.#finish(this.#scope.abortError());
      return;
    }
    if (end.kind === "refused" && this.#replay !== undefined && !this.#retried) {
      this.#retried = true;
      this.#stream = undefined;
      this.#host.logger?.log("debug", "transparent retry of a refused stream", {
        method: this.#method.path,
      });
      this.#reopen().catch((error: unknown) => this.#finish(error));
      return;
    }
    if (end.kind === "status" && end.code === Status.OK) {
      this.#finish(undefined);
      return;
    }
    this.#finish(errorOfEnd(end));
  }

  async #reopen(): Promise<void> {
    const live = await this.#host.pick(
      this.#waitForReady,
      this.#scope.signal,
      this.#scope.abortError,
    );
    if (this.#ended) return;
    if (!this.open(live)) {
      this.#finish(new StatusError(Status.UNAVAILABLE, "no transport accepted the retried stream"));
    }
  }

  #finish(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stream = undefined;
    this.#replay = undefined;
    this.#scope.clear();
    this.#host.callEnded();
    this.#endError = error;
    if (this.#listener !== undefined) {
      this.#responses.end();
      this.#listener.onEnd(error);
    } else if (error === undefined) this.#responses.end();
    else this.#responses.fail(error);
  }
}

/**
 * Admits and opens a bidi call. Resolves once the stream is open on a READY transport.
 *
 * @internal
 */
export async function openBidi<Req, Res>(
  host: CallHost,
  method: MethodDescriptor<Req, Res>,
  options: CallOptions,
): Promise<BidiCall<Req, Res>> {
  const { metadata, waitForReady } = resolveCall(method, options);
  if (options.deadline !== undefined && options.deadline <= host.clock.now()) {
    throw new StatusError(Status.DEADLINE_EXCEEDED, "deadline already passed");
  }
  const scope = callScope(host.clock, options);
  host.callStarted();
  const call = new Bidi(host, method, metadata, waitForReady, scope);
  try {
    for (let unsent = 0; ; unsent++) {
      const live = await host.pick(waitForReady, scope.signal, scope.abortError);
      if (call.open(live)) return call;
      if (unsent >= 8)
        throw new StatusError(Status.UNAVAILABLE, "no transport accepted the stream");
    }
  } catch (error) {
    scope.clear();
    host.callEnded();
    throw error;
  }
}
