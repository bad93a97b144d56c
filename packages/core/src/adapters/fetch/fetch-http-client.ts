import type { HttpClient, HttpRequestInit, HttpResponseLike } from "../../refresh/http-client.js";
import { requireFunction } from "../../validate.js";

/** The subset of the global `fetch` this adapter calls. */
export type FetchLike = (
  url: string,
  init: {
    readonly signal: AbortSignal;
    readonly headers: Record<string, string>;
    readonly method: "GET";
  },
) => Promise<HttpResponseLike>;

/**
 * The refresher's {@link HttpClient} over `fetch` (the global one by default). Every request gets
 * the caller's signal, so a refresher's timeout, `remove()` or `close()` aborts the request and
 * its body read; redirects and caching follow `fetch`'s defaults.
 *
 * @param fetchImpl - a fetch-compatible function (undici's, a mock, a proxying one).
 * @throws TypeError when `fetchImpl` is not a function (or there is no global `fetch`).
 */
export function fetchHttpClient(fetchImpl: FetchLike = globalThis.fetch): HttpClient {
  requireFunction("fetchImpl", fetchImpl);
  return (url: string, init: HttpRequestInit): Promise<HttpResponseLike> => {
    if (!(init.signal instanceof AbortSignal)) {
      return Promise.reject(new TypeError('"init.signal" must be an AbortSignal'));
    }
    return fetchImpl(url, { method: "GET", signal: init.signal, headers: { ...init.headers } });
  };
}
