import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeHttpServer, type RouteHandler } from "../http/fake-http-server.js";
import type { HttpFrame } from "../http/frames.js";
import type { HttpFault } from "../http/http-faults.js";
import { Simulation } from "../kernel/simulation.js";
import type { VirtualConnection } from "../net/contracts.js";
import type { HttpWireFault } from "./http-wire-fault.js";
import { RealTimeDriver } from "./real-time-driver.js";
import { WireError } from "./wire-error.js";

/** Options of {@link WireHttp.start}. */
export interface WireHttpOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port; 0 (default) = any free port. */
  readonly port?: number;
  /** Seed of the simulation behind the fake. Default 1. */
  readonly seed?: number;
  /** How often virtual time catches up with wall time (ms). Default 5. */
  readonly tickMs?: number;
  /** Path of the default JWKS route. Default `/.well-known/jwks.json`. */
  readonly path?: string;
  /** `Cache-Control: max-age` of the default route, seconds. Default 60. */
  readonly maxAgeSeconds?: number;
  /**
   * Called when advancing the simulation fails (a timer threw…). The driver keeps going, so the
   * fake recovers; the last error also shows in {@link WireHttp.status}.
   */
  readonly onDriverError?: (error: WireError) => void;
}

/** What {@link WireHttp.status} reports. */
export interface WireHttpStatus {
  readonly url: string;
  readonly requests: number;
  readonly fault: HttpFault | null;
  /** Requests the fault still applies to; `"all"` until cleared. */
  readonly remaining: number | "all";
  readonly virtualNowMs: number;
  readonly driverError: string | null;
}

/** The JWKS document the default route serves. */
export const DEFAULT_JWKS = JSON.stringify({
  keys: [{ kty: "oct", kid: "wire-1", use: "sig", alg: "HS256", k: "c2VjcmV0" }],
});

const FAKE_ADDRESS = "origin:80";
const CLIENT_HOST = "wire";

/**
 * The fake HTTP server served on a real `node:http` port. Each real request is carried over the
 * simulation's virtual network to the {@link FakeHttpServer} and its answer streamed back as it
 * arrives, so the fake's faults (drop, delay, 5xx, malformed or truncated body, slow body, reset,
 * odd headers) reach a real client — on wall time, through a {@link RealTimeDriver}.
 */
export class WireHttp implements AsyncDisposable {
  /** The simulation behind the fake. */
  readonly sim: Simulation;
  /** The fake server (add routes with `fake.route`). */
  readonly fake: FakeHttpServer;
  /** `http://host:port` */
  readonly origin: string;
  /** The default JWKS route's URL. */
  readonly url: string;
  readonly #server: Server;
  readonly #driver: RealTimeDriver;
  readonly #conns = new Set<VirtualConnection<HttpFrame>>();
  #fault: HttpFault | undefined;
  #remaining = 0;
  #closed = false;

  private constructor(
    sim: Simulation,
    fake: FakeHttpServer,
    server: Server,
    driver: RealTimeDriver,
    origin: string,
    path: string,
  ) {
    this.sim = sim;
    this.fake = fake;
    this.#server = server;
    this.#driver = driver;
    this.origin = origin;
    this.url = `${origin}${path}`;
    fake.setFaultPolicy(() => this.#nextFault());
  }

  /**
   * Starts the fake and binds the real port.
   *
   * @throws RangeError/TypeError for invalid options; WireError `BIND_FAILED`.
   */
  static async start(options: WireHttpOptions = {}): Promise<WireHttp> {
    const host = options.host ?? "127.0.0.1";
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`WireHttp: port must be an integer in [0, 65535], got ${port}`);
    }
    const path = options.path ?? "/.well-known/jwks.json";
    if (!path.startsWith("/"))
      throw new RangeError(`WireHttp: path must start with "/", got ${path}`);
    const maxAge = options.maxAgeSeconds ?? 60;
    if (!Number.isInteger(maxAge) || maxAge < 0) {
      throw new RangeError(`WireHttp: maxAgeSeconds must be an integer >= 0, got ${maxAge}`);
    }
    const sim = new Simulation({
      seed: options.seed ?? 1,
      keepEvents: false,
      maxEvents: Number.POSITIVE_INFINITY,
    });
    const fake = new FakeHttpServer(sim, { address: FAKE_ADDRESS });
    const jwks: RouteHandler = () => ({
      status: 200,
      headers: { "content-type": "application/json", "cache-control": `max-age=${maxAge}` },
      body: DEFAULT_JWKS,
    });
    fake.route(path, jwks);
    const driver = new RealTimeDriver(sim, {
      ...(options.tickMs === undefined ? {} : { tickMs: options.tickMs }),
      ...(options.onDriverError === undefined ? {} : { onError: options.onDriverError }),
    });
    let wire: WireHttp | undefined;
    const server = createServer((req, res) => {
      if (wire === undefined) res.destroy();
      else wire.#handle(req, res);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (cause) {
      await driver.close();
      await fake.close();
      await sim.close();
      throw new WireError("BIND_FAILED", `cannot bind ${host}:${port}: ${String(cause)}`, {
        cause,
      });
    }
    const bound = (server.address() as AddressInfo).port;
    wire = new WireHttp(sim, fake, server, driver, `http://${host}:${bound}`, path);
    return wire;
  }

  /** Applies `fault` to the next `count` requests (all requests until cleared without `count`). */
  applyFault({ fault, count }: HttpWireFault): void {
    if (this.#closed) throw new WireError("CLOSED", "WireHttp is closed");
    this.#fault = fault;
    this.#remaining = count ?? Number.POSITIVE_INFINITY;
    this.sim.trace.record("wire-http", "fault", {
      fault: JSON.stringify(fault),
      count: count ?? null,
    });
  }

  /** Removes the current fault (the only one: a new fault replaces it). Returns what it cleared. */
  clearFaults(): string[] {
    const cleared = this.#fault === undefined ? [] : [this.#fault.kind];
    this.#fault = undefined;
    this.#remaining = 0;
    return cleared;
  }

  /** A JSON-friendly snapshot. */
  status(): WireHttpStatus {
    return {
      url: this.url,
      requests: this.fake.requests.length,
      fault: this.#fault ?? null,
      remaining: this.#remaining === Number.POSITIVE_INFINITY ? "all" : this.#remaining,
      virtualNowMs: this.sim.now(),
      driverError: this.#driver.error?.message ?? null,
    };
  }

  /** Stops listening, drops open connections, stops the driver and the world. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
    for (const conn of this.#conns) if (conn.open) conn.reset();
    this.#conns.clear();
    await this.#driver.close();
    await this.fake.close();
    await this.sim.close();
  }

  /** Same as {@link WireHttp.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #nextFault(): HttpFault | undefined {
    if (this.#fault === undefined || this.#remaining <= 0) return undefined;
    const fault = this.#fault;
    this.#remaining -= 1;
    if (this.#remaining <= 0) this.#fault = undefined;
    return fault;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const aborter = new AbortController();
    let conn: VirtualConnection<HttpFrame> | undefined;
    let finished = false;
    // The real client went away before the answer was complete: reset the virtual connection.
    res.on("close", () => {
      if (finished) return;
      finished = true;
      aborter.abort();
      if (conn !== undefined) {
        this.#conns.delete(conn);
        if (conn.open) conn.reset();
      }
    });
    const fail = (): void => {
      if (finished) return;
      finished = true;
      // Headers not sent: a connection reset is what a crashed origin looks like to the client.
      if (res.headersSent) res.destroy();
      else req.socket.destroy();
    };
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i] ?? "", req.rawHeaders[i + 1] ?? ""]);
    }
    this.sim.net.connect<HttpFrame>(CLIENT_HOST, FAKE_ADDRESS, { signal: aborter.signal }).then(
      (opened) => {
        conn = opened;
        if (finished) {
          opened.reset();
          return;
        }
        this.#conns.add(opened);
        opened.setHandlers({
          onMessage: (frame) => {
            if (finished) return;
            try {
              if (frame.type === "head") {
                res.writeHead(frame.status, frame.headers.flat());
                res.flushHeaders();
              } else if (frame.type === "body") res.write(frame.chunk);
              else if (frame.type === "end") {
                finished = true;
                this.#conns.delete(opened);
                res.end();
              }
            } catch {
              // Node refused a header the fake sent (invalid characters): the client sees a reset.
              fail();
            }
          },
          onClose: () => {
            this.#conns.delete(opened);
            fail();
          },
        });
        opened.send({
          type: "request",
          method: req.method ?? "GET",
          target: req.url ?? "/",
          headers,
        });
      },
      () => fail(),
    );
  }
}
