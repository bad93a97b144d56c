import { type ClientSessionOptions, connect, type SecureClientSessionOptions } from "node:http2";
import type { ClientTransport, Dialer, DialOptions } from "../../conn/transport.js";
import { abortReason } from "../../time/abort.js";
import { requireInteger, requireObject, requireOneOf, requireSignal } from "../../validate.js";
import { AdapterError } from "../adapter-error.js";
import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from "./grpc-framing.js";
import { Http2Transport } from "./http2-transport.js";

/** Options of an {@link Http2Dialer}. */
export interface Http2DialerOptions {
  /** `"http"` (h2c, prior knowledge; the default) or `"https"` (TLS with ALPN `h2`). */
  readonly scheme?: "http" | "https";
  /**
   * Passed to `http2.connect` as is (TLS material, `settings`, `maxSessionMemory`…). The dialer
   * owns the connection's lifecycle, so do not pass `createConnection` unless it honours `destroy`.
   */
  readonly sessionOptions?: ClientSessionOptions | SecureClientSessionOptions;
  /** Larger received messages fail the call with RESOURCE_EXHAUSTED. Default 4 MiB (gRPC's default). */
  readonly maxReceiveMessageBytes?: number;
}

const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/;

/**
 * A {@link Dialer} over `node:http2`, for core's `ClientConn` in production: one HTTP/2 session
 * per dial, gRPC framing on its streams, and the session's real GOAWAY, close and PING events.
 *
 * `dial` resolves when the server's SETTINGS frame arrives (the connection is really accepted,
 * which is when gRPC resets its backoff) and rejects when the connection fails or closes first or
 * the signal aborts; the half-open session is destroyed in every failure case.
 *
 * @example
 * ```ts
 * import { ClientConn, systemClock, systemRandom } from "@dsim/core";
 * import { Http2Dialer } from "@dsim/core/adapters/http2";
 * const conn = new ClientConn({
 *   target: "127.0.0.1:2379",
 *   dialer: new Http2Dialer(),
 *   clock: systemClock,
 *   random: systemRandom,
 * });
 * ```
 */
export class Http2Dialer implements Dialer {
  readonly #scheme: "http" | "https";
  readonly #sessionOptions: ClientSessionOptions | SecureClientSessionOptions;
  readonly #maxReceiveMessageBytes: number;

  /** @throws TypeError or RangeError naming the offending option. */
  constructor(options: Http2DialerOptions = {}) {
    requireObject("options", options);
    this.#scheme = requireOneOf("scheme", options.scheme ?? "http", ["http", "https"] as const);
    this.#sessionOptions = (requireObject("sessionOptions", options.sessionOptions, {
      optional: true,
    }) ?? {}) as ClientSessionOptions;
    this.#maxReceiveMessageBytes = requireInteger(
      "maxReceiveMessageBytes",
      options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
      { min: 0 },
    );
  }

  /**
   * Connects to `address` (`host:port`, IPv6 as `[::1]:port`).
   *
   * @throws TypeError or RangeError (as a rejection) for an invalid address or options.
   */
  dial(address: string, options: DialOptions): Promise<ClientTransport> {
    try {
      if (typeof address !== "string" || !ADDRESS.test(address)) {
        throw new TypeError(`"address" must be "host:port", got ${JSON.stringify(address)}`);
      }
      requireObject("options", options);
      requireSignal("options.signal", options.signal);
      requireObject("options.listener", options.listener);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal, listener } = options;
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise<ClientTransport>((resolve, reject) => {
      const session = connect(`${this.#scheme}://${address}`, this.#sessionOptions);
      const cleanup = (): void => {
        session.off("remoteSettings", onSettings);
        session.off("error", onError);
        session.off("close", onClose);
        signal.removeEventListener("abort", onAbort);
      };
      const fail = (error: unknown): void => {
        cleanup();
        // Keeps a late socket error of the discarded session from becoming an uncaught exception.
        session.on("error", () => {});
        session.destroy();
        reject(error);
      };
      const onError = (error: Error): void =>
        fail(
          new AdapterError("CONNECT_FAILED", `dial ${address}: ${error.message}`, { cause: error }),
        );
      const onClose = (): void =>
        fail(new AdapterError("CONNECT_FAILED", `dial ${address}: closed before SETTINGS`));
      const onAbort = (): void => fail(abortReason(signal));
      const onSettings = (): void => {
        cleanup();
        resolve(
          new Http2Transport({
            address,
            session,
            listener,
            maxReceiveMessageBytes: this.#maxReceiveMessageBytes,
          }),
        );
      };
      session.once("remoteSettings", onSettings);
      session.once("error", onError);
      session.once("close", onClose);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}
