import type { OwnedClock, TraceValue } from "../kernel/contracts.js";
import type { VirtualConnection, VirtualListener } from "../net/contracts.js";
import type { HeaderField, HttpFrame, RequestFrame } from "./frames.js";
import type { HttpFault } from "./http-faults.js";
import type { HttpWorld } from "./http-world.js";
import { SimHeaders } from "./sim-headers.js";

/** One request as the fake server saw it. */
export interface FakeHttpRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly target: string;
  /** The path without the query. */
  readonly path: string;
  readonly headers: SimHeaders;
  /** Virtual time of arrival. */
  readonly at: number;
  /** The virtual connection's id. */
  readonly connectionId: number;
  /** The client host. */
  readonly from: string;
}

/** What a route answers (before faults). */
export interface FakeHttpResponse {
  readonly status: number;
  /** Header lines; a record is one line per field. `content-length` is added when absent. */
  readonly headers?: readonly HeaderField[] | Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/** Answers a request. Synchronous: timing belongs to faults, so a route stays a pure function. */
export type RouteHandler = (request: FakeHttpRequest) => FakeHttpResponse;

/** Chooses the fault (if any) for one request; consulted once per request, after routing. */
export type FaultPolicy = (request: FakeHttpRequest) => HttpFault | undefined;

/** Options of {@link FakeHttpServer}. */
export interface FakeHttpServerOptions {
  /** `host:port` to listen on. */
  readonly address: string;
}

const encoder = new TextEncoder();

function toBytes(body: string | Uint8Array | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === "string" ? encoder.encode(body) : body;
}

function toFields(headers: FakeHttpResponse["headers"]): HeaderField[] {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) return [...(headers as readonly HeaderField[])];
  return Object.entries(headers as Record<string, string>);
}

/**
 * A fake HTTP/1.1 server on the virtual network: routes by path, answers with status, headers and
 * a body, and applies {@link HttpFault}s chosen per request by a {@link FaultPolicy}. It records
 * every request it receives, which is what the refresh invariants judge.
 */
export class FakeHttpServer {
  readonly #world: HttpWorld;
  readonly #clock: OwnedClock;
  readonly #listener: VirtualListener<HttpFrame>;
  readonly #routes = new Map<string, RouteHandler>();
  readonly #connections = new Set<VirtualConnection<HttpFrame>>();
  readonly #timers = new Map<
    VirtualConnection<HttpFrame>,
    Set<ReturnType<OwnedClock["setTimeout"]>>
  >();
  readonly #requests: FakeHttpRequest[] = [];
  #policy: FaultPolicy | undefined;
  #closed = false;
  /** The address it listens on. */
  readonly address: string;

  constructor(world: HttpWorld, options: FakeHttpServerOptions) {
    this.#world = world;
    this.address = options.address;
    this.#clock = world.clockFor(`http-server:${options.address}`);
    this.#listener = world.net.listen<HttpFrame>(options.address, (conn) => this.#accept(conn));
  }

  /** Serves `path` (exact match, query ignored) with `handler`. Replaces an earlier route. */
  route(path: string, handler: RouteHandler): this {
    if (typeof handler !== "function") throw new TypeError("route handler must be a function");
    this.#routes.set(path, handler);
    return this;
  }

  /** Sets (or clears) the policy that picks a fault for each request. */
  setFaultPolicy(policy: FaultPolicy | undefined): void {
    this.#policy = policy;
  }

  /** Every request received so far, in arrival order. */
  get requests(): readonly FakeHttpRequest[] {
    return this.#requests;
  }

  /** Connections still open at the server. */
  get openConnections(): number {
    return this.#connections.size;
  }

  /** Stops listening, resets open connections and cancels every pending response. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listener.close();
    for (const conn of [...this.#connections]) this.#drop(conn, true);
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #accept(conn: VirtualConnection<HttpFrame>): void {
    if (this.#closed) {
      conn.reset();
      return;
    }
    this.#connections.add(conn);
    this.#timers.set(conn, new Set());
    conn.setHandlers({
      onMessage: (frame) => {
        if (frame.type === "request") this.#handle(conn, frame);
      },
      onClose: () => this.#drop(conn, false),
    });
  }

  #drop(conn: VirtualConnection<HttpFrame>, reset: boolean): void {
    for (const handle of this.#timers.get(conn) ?? []) this.#clock.clearTimeout(handle);
    this.#timers.delete(conn);
    this.#connections.delete(conn);
    if (reset && conn.open) conn.reset();
  }

  #later(conn: VirtualConnection<HttpFrame>, ms: number, action: () => void): void {
    const timers = this.#timers.get(conn);
    if (timers === undefined) return;
    const handle = this.#clock.setTimeout(() => {
      timers.delete(handle);
      action();
    }, ms);
    timers.add(handle);
  }

  #handle(conn: VirtualConnection<HttpFrame>, frame: RequestFrame): void {
    const query = frame.target.indexOf("?");
    const request: FakeHttpRequest = {
      method: frame.method,
      target: frame.target,
      path: query < 0 ? frame.target : frame.target.slice(0, query),
      headers: new SimHeaders(frame.headers),
      at: this.#clock.now(),
      connectionId: conn.id,
      from: conn.remoteHost,
    };
    this.#requests.push(request);
    const handler = this.#routes.get(request.path);
    const answer: FakeHttpResponse =
      handler === undefined ? { status: 404, body: "not found" } : handler(request);
    const fault = this.#policy?.(request);
    this.#trace("http.request", {
      address: this.address,
      target: request.target,
      conn: conn.id,
      status: answer.status,
      fault: fault === undefined ? null : fault.kind,
    });
    this.#respond(conn, answer, fault);
  }

  #respond(
    conn: VirtualConnection<HttpFrame>,
    answer: FakeHttpResponse,
    fault: HttpFault | undefined,
  ): void {
    let status = answer.status;
    let fields = toFields(answer.headers);
    let body = toBytes(answer.body);
    let chunks = 1;
    let chunkDelayMs = 0;
    let delayMs = 0;
    let truncate = false;
    switch (fault?.kind) {
      case undefined:
        break;
      case "drop":
        return;
      case "reset":
        this.#drop(conn, true);
        return;
      case "delay":
        delayMs = fault.ms;
        break;
      case "status":
        status = fault.status;
        fields = [["content-type", "text/plain"]];
        body = toBytes(`fake ${fault.status}`);
        break;
      case "malformed-json":
        status = 200;
        body = toBytes('{"keys": [ {"kty": "RSA", ');
        break;
      case "truncated":
        truncate = true;
        break;
      case "oversized": {
        const padded = new Uint8Array(Math.max(fault.bytes, body.length));
        padded.fill(0x20);
        padded.set(body);
        body = padded;
        break;
      }
      case "slow-body":
        chunks = Math.max(1, Math.floor(fault.chunks));
        chunkDelayMs = fault.chunkDelayMs;
        break;
      case "headers": {
        const replaced = new Set(Object.keys(fault.set).map((n) => n.toLowerCase()));
        fields = fields.filter(([name]) => !replaced.has(name.toLowerCase()));
        for (const [name, values] of Object.entries(fault.set)) {
          for (const value of values) fields.push([name, value]);
        }
        break;
      }
    }
    if (!fields.some(([name]) => name.toLowerCase() === "content-length")) {
      fields.push(["content-length", String(body.length)]);
    }
    const send = (): void => {
      if (!conn.open) return;
      conn.send({ type: "head", status, headers: fields });
      if (truncate) {
        conn.send({ type: "body", chunk: body.slice(0, Math.floor(body.length / 2)) });
        // A graceful close (FIN) before Content-Length bytes arrived: what a cut proxy looks like.
        conn.close();
        this.#drop(conn, false);
        return;
      }
      this.#sendBody(conn, body, chunks, chunkDelayMs);
    };
    if (delayMs > 0) this.#later(conn, delayMs, send);
    else send();
  }

  #sendBody(
    conn: VirtualConnection<HttpFrame>,
    body: Uint8Array,
    chunks: number,
    delayMs: number,
  ): void {
    const size = Math.ceil(body.length / chunks);
    const sendChunk = (index: number): void => {
      if (!conn.open) return;
      if (index < chunks && size > 0) {
        conn.send({ type: "body", chunk: body.slice(index * size, (index + 1) * size) });
      }
      if (index + 1 >= chunks) {
        conn.send({ type: "end" });
        conn.close();
        this.#drop(conn, false);
        return;
      }
      this.#later(conn, delayMs, () => sendChunk(index + 1));
    };
    sendChunk(0);
  }

  #trace(kind: string, data: { readonly [key: string]: TraceValue }): void {
    this.#world.trace.record(`http-server:${this.address}`, kind, data);
  }
}
