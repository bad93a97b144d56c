import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FetchLike, fetchHttpClient } from "../../../src/adapters/fetch/index.js";
import { systemRandom } from "../../../src/random/system-random.js";
import { AutoRefresh } from "../../../src/refresh/index.js";
import { systemClock } from "../../../src/time/system-clock.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler;
const requests: IncomingMessage[] = [];

beforeEach(async () => {
  requests.length = 0;
  server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("fetchHttpClient over the global fetch", () => {
  it("GETs the URL with the headers and exposes status, headers and body", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "max-age=60" });
      res.end('{"keys":[]}');
    };
    const client = fetchHttpClient();
    const response = await client(`${base}/jwks`, {
      signal: new AbortController().signal,
      headers: { accept: "application/json", "x-test": "1" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("max-age=60");
    expect(response.headers.get("expires")).toBeNull();
    const body = await response.arrayBuffer?.();
    expect(new TextDecoder().decode(body)).toBe('{"keys":[]}');
    expect(requests[0]?.method).toBe("GET");
    expect(requests[0]?.url).toBe("/jwks");
    expect(requests[0]?.headers["x-test"]).toBe("1");
  });

  it("passes a non-2xx status through instead of throwing", async () => {
    handler = (_req, res) => {
      res.writeHead(503);
      res.end("busy");
    };
    const response = await fetchHttpClient()(`${base}/`, {
      signal: new AbortController().signal,
      headers: {},
    });
    expect(response.status).toBe(503);
  });

  it("aborting the signal aborts a request that has no response yet", async () => {
    handler = () => {};
    const controller = new AbortController();
    const pending = fetchHttpClient()(`${base}/slow`, { signal: controller.signal, headers: {} });
    while (requests.length === 0) await new Promise((resolve) => server.once("request", resolve));
    controller.abort(new Error("refresher closed"));
    await expect(pending).rejects.toThrowError("refresher closed");
  });

  it("always hands the caller's signal to the fetch implementation", async () => {
    const seen: { url: string; signal: AbortSignal; headers: Record<string, string> }[] = [];
    const fake: FetchLike = async (url, init) => {
      seen.push({ url, signal: init.signal, headers: init.headers });
      return { status: 204, headers: new Headers(), text: async () => "" };
    };
    const signal = new AbortController().signal;
    await fetchHttpClient(fake)("http://example.invalid/a", { signal, headers: { a: "b" } });
    expect(seen).toEqual([{ url: "http://example.invalid/a", signal, headers: { a: "b" } }]);
    await expect(
      fetchHttpClient(fake)("http://x", { signal: "nope" as unknown as AbortSignal, headers: {} }),
    ).rejects.toThrowError(TypeError);
    expect(() => fetchHttpClient(42 as unknown as FetchLike)).toThrowError(TypeError);
  });

  it("drives the refresher (AutoRefresh) against a real HTTP server", async () => {
    let served = 0;
    handler = (_req, res) => {
      served += 1;
      res.writeHead(200, { "content-type": "text/plain", "cache-control": "max-age=3600" });
      res.end(`v${served}`);
    };
    await using refresh = new AutoRefresh<string>({
      clock: systemClock,
      random: systemRandom,
      httpClient: fetchHttpClient(),
      parse: (body) => body,
    });
    const url = `${base}/value`;
    refresh.configure(url);
    expect(await refresh.fetch(url)).toBe("v1");
    expect(await refresh.fetch(url)).toBe("v1");
    expect(served).toBe(1);
  });
});
