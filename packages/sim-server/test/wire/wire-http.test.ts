import { createJwksRefresh, type RefreshFailure, systemClock, systemRandom } from "@dsim/core";
import { fetchHttpClient } from "@dsim/core/adapters/fetch";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseHttpWireFault } from "../../src/wire/http-wire-fault.js";
import { isWireError } from "../../src/wire/wire-error.js";
import { DEFAULT_JWKS, WireHttp } from "../../src/wire/wire-http.js";
import { waitFor } from "./wait-for.js";

describe("wire http: the fake HTTP server on a real port, with real fetch", () => {
  let wire: WireHttp;

  beforeAll(async () => {
    wire = await WireHttp.start({ maxAgeSeconds: 1 });
  });
  afterEach(() => wire.clearFaults());
  afterAll(async () => {
    await wire?.close();
  });

  it("serves the JWKS with its headers", async () => {
    const res = await fetch(wire.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("max-age=1");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe(DEFAULT_JWKS);
    expect(wire.fake.requests.at(-1)?.path).toBe("/.well-known/jwks.json");
  });

  it("answers 404 for an unknown path", async () => {
    const res = await fetch(`${wire.origin}/nope`);
    expect(res.status).toBe(404);
    await res.text();
  });

  it("applies a 5xx to the next `count` requests only", async () => {
    wire.applyFault(parseHttpWireFault({ kind: "status", status: 503, count: 1 }));
    const first = await fetch(wire.url);
    expect(first.status).toBe(503);
    expect(await first.text()).toBe("fake 503");
    const second = await fetch(wire.url);
    expect(second.status).toBe(200);
    await second.text();
  });

  it("resets the connection: fetch fails", async () => {
    wire.applyFault(parseHttpWireFault({ kind: "reset" }));
    await expect(fetch(wire.url)).rejects.toThrow(/fetch failed/);
  });

  it("truncates the body: reading it fails", async () => {
    wire.applyFault(parseHttpWireFault({ kind: "truncated" }));
    const res = await fetch(wire.url);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow(/terminated/);
  });

  it("sends a malformed body", async () => {
    wire.applyFault(parseHttpWireFault({ kind: "malformed-json" }));
    const res = await fetch(wire.url);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  // Judged on the driven (virtual) clock: the driver lets virtual time lag wall time and then
  // catch up in one step, so wall-clock gaps are not a property of the fake.
  it("delays the answer on the driven clock", async () => {
    wire.applyFault(parseHttpWireFault({ kind: "delay", ms: 300 }));
    const res = await fetch(wire.url);
    await res.text();
    const arrivedAt = wire.fake.requests.at(-1)?.at ?? Number.NaN;
    expect(wire.sim.now() - arrivedAt).toBeGreaterThanOrEqual(300);
  });

  it("streams a slow body chunk by chunk", async () => {
    wire.applyFault(parseHttpWireFault({ kind: "slow-body", chunks: 3, chunkDelayMs: 100 }));
    const res = await fetch(wire.url);
    const arrivedAt = wire.fake.requests.at(-1)?.at ?? Number.NaN;
    expect(await res.text()).toBe(DEFAULT_JWKS);
    // The head leaves with the first chunk; the last one follows two 100 ms gaps later.
    expect(wire.sim.now() - arrivedAt).toBeGreaterThanOrEqual(200);
  });

  it("drops the request: only the client's timeout ends it, and the server forgets it", async () => {
    wire.applyFault(parseHttpWireFault({ kind: "drop", count: 1 }));
    await expect(fetch(wire.url, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    await waitFor("the dropped exchange to be reset", () => wire.fake.openConnections === 0);
  });

  it("rejects invalid faults with BAD_FAULT", () => {
    for (const bad of [
      null,
      { kind: "nope" },
      { kind: "delay" },
      { kind: "status", status: 42 },
      { kind: "drop", count: 0 },
    ]) {
      expect(() => parseHttpWireFault(bad)).toThrow(expect.objectContaining({ code: "BAD_FAULT" }));
      try {
        parseHttpWireFault(bad);
      } catch (error) {
        expect(isWireError(error, "BAD_FAULT")).toBe(true);
      }
    }
  });

  it("keeps core's refresher serving through a 5xx, over real fetch, then fresh again", async () => {
    const failures: RefreshFailure[] = [];
    await using refresher = createJwksRefresh({
      clock: systemClock,
      random: systemRandom,
      httpClient: fetchHttpClient(),
      onError: (failure) => failures.push(failure),
    });
    refresher.configure(wire.url, { minInterval: 1000, requestTimeout: 2000 });
    const first = await refresher.fetch(wire.url);
    expect(first.keys[0]?.kid).toBe("wire-1");
    const before = wire.fake.requests.length;
    // The next background refresh (max-age=1 → 1 s) gets a 503; the value stays served.
    wire.applyFault(parseHttpWireFault({ kind: "status", status: 503, count: 1 }));
    await waitFor("the failed background refresh", () => failures.length >= 1, 4000);
    expect(failures[0]?.background).toBe(true);
    expect(String(failures[0]?.error.message)).toMatch(/503/);
    expect((await refresher.fetch(wire.url)).keys[0]?.kid).toBe("wire-1");
    await waitFor(
      "a successful refresh after the 503",
      () =>
        wire.fake.requests.length >= before + 2 && refresher.snapshot()[0]?.lastError === undefined,
      4000,
    );
    expect(refresher.snapshot()[0]?.hasValue).toBe(true);
  });

  it("core's refresher times out a dropped request over real fetch (its request timeout, not the server's)", async () => {
    await using refresher = createJwksRefresh({
      clock: systemClock,
      random: systemRandom,
      httpClient: fetchHttpClient(),
    });
    refresher.configure(wire.url, { minInterval: 1000, requestTimeout: 300 });
    wire.applyFault(parseHttpWireFault({ kind: "drop", count: 1 }));
    const seen = wire.fake.requests.length;
    const started = performance.now();
    await expect(refresher.fetch(wire.url)).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(wire.fake.requests.length).toBe(seen + 1);
    // The aborted fetch closes the real socket; wire mode resets the virtual exchange.
    await waitFor("the dropped exchange to be reset", () => wire.fake.openConnections === 0);
  });
});
