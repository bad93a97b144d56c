import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isWireError, WireError } from "./wire-error.js";

/** What the control API drives: a wire server that parses, applies and clears faults. */
export interface ControlTarget {
  /** Validates untrusted JSON and applies it; throws WireError `BAD_FAULT` when invalid. */
  applyFault(input: unknown): void;
  /** Clears every fault in effect; returns a line per fault cleared (reported to the caller). */
  clearFaults(): readonly string[] | undefined;
  /** A JSON-serialisable snapshot. */
  status(): unknown;
}

/** Options of {@link ControlServer.start}. */
export interface ControlServerOptions {
  readonly target: ControlTarget;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** 0 (default) = any free port. */
  readonly port?: number;
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * A small JSON control endpoint for a wire server:
 * `GET /status` → the target's status; `POST /faults` with a fault object → applies it
 * (400 with `{ error }` when invalid); `DELETE /faults` → clears every fault and answers
 * `{ ok: true, cleared: [...] }`. An unexpected error answers 500 with `{ error }`.
 */
export class ControlServer implements AsyncDisposable {
  /** `http://host:port` */
  readonly url: string;
  readonly #server: Server;
  #closed = false;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  /**
   * Binds the endpoint.
   *
   * @throws TypeError when `target` lacks a method; WireError `BIND_FAILED`.
   */
  static async start(options: ControlServerOptions): Promise<ControlServer> {
    const { target } = options;
    if (
      typeof target?.applyFault !== "function" ||
      typeof target.clearFaults !== "function" ||
      typeof target.status !== "function"
    ) {
      throw new TypeError("ControlServer: target must have applyFault, clearFaults and status");
    }
    const host = options.host ?? "127.0.0.1";
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`ControlServer: port must be an integer in [0, 65535], got ${port}`);
    }
    const server = createServer((req, res) => {
      handle(target, req, res).catch((error: unknown) => reply(res, 500, { error: String(error) }));
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
      throw new WireError("BIND_FAILED", `cannot bind control ${host}:${port}: ${String(cause)}`, {
        cause,
      });
    }
    const bound = (server.address() as AddressInfo).port;
    return new ControlServer(server, `http://${host}:${bound}`);
  }

  /** Stops listening and drops open connections. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  /** Same as {@link ControlServer.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body, (_key, value: unknown) =>
    typeof value === "bigint" ? value.toString() : value,
  );
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new WireError("BAD_FAULT", "request body too large");
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw new WireError("BAD_FAULT", "request body is not valid JSON");
  }
}

async function handle(
  target: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/status" && req.method === "GET") {
    reply(res, 200, target.status());
    return;
  }
  if (path === "/faults" && req.method === "POST") {
    try {
      const input = await readJson(req);
      target.applyFault(input);
      reply(res, 200, { ok: true, applied: input });
    } catch (error) {
      if (isWireError(error))
        reply(res, error.code === "CLOSED" ? 503 : 400, { error: error.message });
      else throw error;
    }
    return;
  }
  if (path === "/faults" && req.method === "DELETE") {
    reply(res, 200, { ok: true, cleared: [...(target.clearFaults() ?? [])] });
    return;
  }
  reply(res, 404, {
    error: `no route ${req.method ?? "?"} ${path ?? ""} (GET /status, POST|DELETE /faults)`,
  });
}
