import type {
  HttpClient,
  HttpRequestInit,
  HttpResponseLike,
} from "../../../src/refresh/http-client.js";
import type { ManualClock } from "../../time/manual-clock.js";

/** One request the scripted client received. */
export interface SeenRequest {
  readonly url: string;
  readonly at: number;
  readonly init: HttpRequestInit;
}

/** A response-like object with lower-case header lookup. */
export function response(
  status: number,
  body: string | Uint8Array,
  fields: Record<string, string> = {},
): HttpResponseLike {
  const lower = new Map(Object.entries(fields).map(([k, v]) => [k.toLowerCase(), v]));
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return {
    status,
    headers: { get: (name) => lower.get(name.toLowerCase()) ?? null },
    arrayBuffer: async () => bytes.slice().buffer,
  };
}

/** A JWKS body whose single key id is `kid`. */
export function jwks(kid: string): string {
  return JSON.stringify({ keys: [{ kty: "oct", kid, k: "AAAA" }] });
}

/**
 * A test HTTP client: every request is recorded, and `handler` decides the answer (possibly a
 * promise that settles later on the clock). Honours the signal like `fetch`.
 */
export class ScriptedClient {
  readonly seen: SeenRequest[] = [];
  handler: (request: SeenRequest) => HttpResponseLike | Promise<HttpResponseLike>;
  readonly #clock: ManualClock;

  constructor(clock: ManualClock, handler: ScriptedClient["handler"]) {
    this.#clock = clock;
    this.handler = handler;
  }

  readonly client: HttpClient = (url, init) => {
    const request = { url, at: this.#clock.now(), init };
    this.seen.push(request);
    return new Promise<HttpResponseLike>((resolve, reject) => {
      const onAbort = (): void => reject(init.signal.reason);
      init.signal.addEventListener("abort", onAbort, { once: true });
      // The handler runs synchronously so that timers it creates exist before the test moves time.
      let answer: HttpResponseLike | Promise<HttpResponseLike>;
      try {
        answer = this.handler(request);
      } catch (error) {
        answer = Promise.reject(error);
      }
      Promise.resolve(answer)
        .then(resolve, reject)
        .finally(() => init.signal.removeEventListener("abort", onAbort));
    });
  };

  /** A response that arrives `ms` of clock time later. */
  later(ms: number, value: HttpResponseLike): Promise<HttpResponseLike> {
    return new Promise((resolve) => this.#clock.setTimeout(() => resolve(value), ms));
  }
}
