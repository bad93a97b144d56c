import type { HttpWorld } from "./http-world.js";
import { SimHttpClient, type SimHttpResponse } from "./sim-http-client.js";

/** Options of {@link createVirtualFetch}. */
export interface VirtualFetchOptions {
  /** The host the requests come from (`"client"` by default). */
  readonly fromHost?: string;
}

/** A WHATWG `fetch` over `sim.net`, and what a leak check needs to know about it. */
export interface VirtualFetch {
  /**
   * Drop-in for the global `fetch` (pass it as a client's `fetch`/`customFetch` option): sends
   * GET and HEAD requests to fake HTTP servers on the virtual network and resolves with a real
   * `Response` once the head arrives; the body streams in as the server sends it (a stalled body
   * stalls `text()`/`json()`). Refused or reset connections reject with `TypeError("fetch
   * failed")`, an aborted signal rejects with its reason, as in Node.
   */
  readonly fetch: typeof globalThis.fetch;
  /** Requests whose head or body is still in flight. */
  readonly inFlight: number;
  /** Connections still open. */
  readonly openConnections: number;
  /** Resets every open connection: requests in flight fail. Idempotent. */
  close(): Promise<void>;
}

/** Statuses whose response has no body (the `Response` constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function requestUrl(input: string | URL | Request): string {
  if (typeof input === "string") return input;
  return input instanceof URL ? input.href : input.url;
}

/**
 * Builds a `fetch` bound to a host on the virtual network, for third-party clients that call
 * `fetch` (e.g. jose's `createRemoteJWKSet` with its `customFetch` option): their requests cross
 * `sim.net` (latency, loss, partitions) to a `FakeHttpServer`, on virtual time.
 *
 * @throws TypeError (from `fetch`) for a method other than GET or HEAD: the fake server speaks
 *   only those.
 */
export function createVirtualFetch(
  world: HttpWorld,
  options: VirtualFetchOptions = {},
): VirtualFetch {
  const client = new SimHttpClient(
    world,
    options.fromHost === undefined ? {} : { host: options.fromHost },
  );
  const fetch = async (
    input: string | URL | Request,
    init: RequestInit = {},
  ): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const method = (init.method ?? request?.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD") {
      throw new TypeError(`virtual fetch: method ${method} is not supported (GET and HEAD only)`);
    }
    const headers: Record<string, string> = {};
    new Headers(init.headers ?? request?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    // A fetch without a signal never aborts; the port always takes one.
    const signal = init.signal ?? request?.signal ?? new AbortController().signal;
    // SimHttpClient's port type is the narrow HttpResponseLike; what it returns is a SimHttpResponse.
    const response = (await client.fetch(requestUrl(input), {
      signal,
      headers,
    })) as SimHttpResponse;
    const head = [...response.headers.entries()];
    const bodyless = method === "HEAD" || NULL_BODY.has(response.status);
    const bytes = response.arrayBuffer();
    const body = bodyless
      ? null
      : new ReadableStream<Uint8Array>({
          async pull(controller) {
            try {
              controller.enqueue(new Uint8Array(await bytes));
              controller.close();
            } catch (error) {
              controller.error(error);
            }
          },
        });
    return new Response(body, { status: response.status, headers: head });
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    get inFlight() {
      return client.inFlight;
    },
    get openConnections() {
      return client.openConnections;
    },
    close: () => client.close(),
  };
}
