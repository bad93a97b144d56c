import type { HttpClient, HttpRequestInit, HttpResponseLike } from "@dsim/core";
import type { CloseReason, VirtualConnection } from "../net/contracts.js";
import type { HttpFrame } from "./frames.js";
import type { HttpWorld } from "./http-world.js";
import { SimHeaders } from "./sim-headers.js";

/** Options of {@link SimHttpClient}. */
export interface SimHttpClientOptions {
  /** The host the requests come from (`"client"` by default). */
  readonly host?: string;
}

/** A response of the fake client: what `fetch` gives, minus streaming. */
export interface SimHttpResponse extends HttpResponseLike {
  readonly status: number;
  readonly headers: SimHeaders;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}

function fetchFailed(url: string, cause: unknown): TypeError {
  // undici rejects network failures with TypeError("fetch failed", { cause }); do the same.
  return new TypeError(`fetch failed: ${url}`, { cause });
}

function concat(chunks: readonly Uint8Array[]): ArrayBuffer {
  const size = chunks.reduce((sum, c) => sum + c.length, 0);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out.buffer;
}

/**
 * A fetch-compatible HTTP client over the virtual network: one connection per request, honours
 * its signal (aborting resets the connection), rejects network failures with
 * `TypeError("fetch failed")` and a body cut short with `TypeError("terminated")`, as undici does.
 */
export class SimHttpClient {
  readonly #world: HttpWorld;
  readonly #host: string;
  readonly #open = new Map<VirtualConnection<HttpFrame>, (error: unknown) => void>();
  #inFlight = 0;

  constructor(world: HttpWorld, options: SimHttpClientOptions = {}) {
    this.#world = world;
    this.#host = options.host ?? "client";
  }

  /** Requests whose response (head and body) has not finished or failed yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Connections this client still holds open. */
  get openConnections(): number {
    return this.#open.size;
  }

  /** The `HttpClient` port: `(url, { signal, headers }) => Promise<response>`. */
  readonly fetch: HttpClient = (url, init) => this.#request(url, init);

  async #request(url: string, init: HttpRequestInit): Promise<SimHttpResponse> {
    const parsed = new URL(url);
    const port = parsed.port !== "" ? parsed.port : parsed.protocol === "https:" ? "443" : "80";
    const address = `${parsed.hostname}:${port}`;
    const signal = init.signal;
    signal.throwIfAborted();
    this.#inFlight += 1;
    let finished = false;
    const finish = (): void => {
      if (!finished) {
        finished = true;
        this.#inFlight -= 1;
      }
    };
    let conn: VirtualConnection<HttpFrame>;
    try {
      conn = await this.#world.net.connect<HttpFrame>(this.#host, address, { signal });
    } catch (error) {
      finish();
      if (signal.aborted) throw signal.reason;
      throw fetchFailed(url, error);
    }
    return new Promise<SimHttpResponse>((resolveHead, rejectHead) => {
      const chunks: Uint8Array[] = [];
      let headSeen = false;
      let resolveBody: (bytes: ArrayBuffer) => void = () => undefined;
      let rejectBody: (error: unknown) => void = () => undefined;
      const body = new Promise<ArrayBuffer>((resolve, reject) => {
        resolveBody = resolve;
        rejectBody = reject;
      });
      // Nobody may read the body (a non-200 status): keep its failure from going unhandled.
      body.catch(() => undefined);
      const release = (): void => {
        signal.removeEventListener("abort", onAbort);
        this.#open.delete(conn);
        finish();
      };
      const fail = (error: unknown): void => {
        release();
        if (headSeen) rejectBody(error);
        else rejectHead(error);
      };
      const onAbort = (): void => {
        if (conn.open) conn.reset();
        fail(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#open.set(conn, fail);
      conn.setHandlers({
        onMessage: (frame) => {
          if (finished) return;
          if (frame.type === "head") {
            headSeen = true;
            const headers = new SimHeaders(frame.headers);
            resolveHead({
              status: frame.status,
              headers,
              arrayBuffer: () => body,
              text: () => body.then((bytes) => new TextDecoder().decode(bytes)),
            });
          } else if (frame.type === "body") {
            chunks.push(frame.chunk);
          } else if (frame.type === "end") {
            release();
            if (conn.open) conn.close();
            resolveBody(concat(chunks));
          }
        },
        onClose: (reason: CloseReason) => {
          if (finished) return;
          fail(
            headSeen
              ? new TypeError("terminated", { cause: new Error(`connection ${reason}`) })
              : fetchFailed(url, new Error(reason === "reset" ? "ECONNRESET" : "socket closed")),
          );
        },
      });
      const headers = Object.entries(init.headers);
      headers.push(["host", parsed.host]);
      conn.send({
        type: "request",
        method: "GET",
        target: `${parsed.pathname}${parsed.search}`,
        headers,
      });
    });
  }

  /** Resets every connection still open (requests in flight fail). Idempotent. */
  async close(): Promise<void> {
    for (const [conn, fail] of [...this.#open]) {
      if (conn.open) conn.reset();
      fail(new TypeError("fetch failed: the client was closed"));
    }
    this.#open.clear();
  }
}
