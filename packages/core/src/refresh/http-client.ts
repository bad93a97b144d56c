/**
 * The HTTP port of the refresher: a fetch-shaped function. A real `fetch` satisfies it, and so
 * does the simulation's fake client. The refresher always passes a signal (request timeout,
 * `close()`, `remove()`), so a client that honours it never outlives the refresher.
 */

/** Response headers as the refresher reads them (a fetch `Headers` satisfies it). */
export interface HttpHeadersLike {
  /** The field value (several lines joined with `", "`), or `null` when absent. Case-insensitive. */
  get(name: string): string | null;
}

/** The part of a fetch `Response` the refresher uses. At least one body reader must exist. */
export interface HttpResponseLike {
  /** The HTTP status code. */
  readonly status: number;
  /** The response headers. */
  readonly headers: HttpHeadersLike;
  /** Reads the whole body as bytes (preferred: its size is exact and decoding is strict). */
  arrayBuffer?(): Promise<ArrayBuffer>;
  /** Reads the whole body as text (used when `arrayBuffer` is absent). */
  text?(): Promise<string>;
  /**
   * The body stream, when the client has one (a fetch `Response` does). The refresher cancels it
   * for a non-200 status, so an unread body does not hold the connection until garbage collection.
   */
  readonly body?: { cancel(reason?: unknown): Promise<void> } | null;
}

/** What the refresher passes with every request. */
export interface HttpRequestInit {
  /** Always present: aborts on request timeout, `remove()` or `close()`. */
  readonly signal: AbortSignal;
  /** Request headers (lower-case names). */
  readonly headers: Record<string, string>;
}

/** A fetch-shaped HTTP client: `(url, { signal, headers }) => Promise<response>`. */
export type HttpClient = (url: string, init: HttpRequestInit) => Promise<HttpResponseLike>;
