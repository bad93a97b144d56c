import { createJwksRefresh, isDsimError } from "@dsim/core";
import { describe, expect, it } from "vitest";
import { FakeHttpServer } from "../../src/http/fake-http-server.js";
import type { HttpFault } from "../../src/http/http-faults.js";
import { SimHttpClient } from "../../src/http/sim-http-client.js";
import { Simulation } from "../../src/kernel/simulation.js";

const JWKS = JSON.stringify({ keys: [{ kty: "oct", kid: "k1", k: "AA" }] });

function world(fault?: HttpFault) {
  const sim = new Simulation({ seed: 7 });
  const server = new FakeHttpServer(sim, { address: "jwks:443" });
  server.route("/keys", () => ({
    status: 200,
    headers: [
      ["Cache-Control", "max-age=60"],
      ["X-Multi", "a"],
      ["x-multi", "b"],
    ],
    body: JWKS,
  }));
  if (fault !== undefined) server.setFaultPolicy(() => fault);
  const client = new SimHttpClient(sim, { host: "client" });
  return { sim, server, client };
}

/** Runs `task` as a workload and the simulation until it settles (or `limitMs` passes). */
async function run<T>(sim: Simulation, task: () => Promise<T>, limitMs = 120_000) {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  void sim.spawn("request", async () => {
    try {
      outcome = { ok: true, value: await task() };
    } catch (error) {
      outcome = { ok: false, error };
    }
  });
  await sim.runUntil(() => outcome !== undefined, { timeoutMs: limitMs });
  if (outcome === undefined) throw new Error("no outcome");
  return outcome;
}

const get = (client: SimHttpClient, signal = new AbortController().signal) =>
  client.fetch("https://jwks/keys", { signal, headers: { accept: "application/json" } });

describe("FakeHttpServer + SimHttpClient", () => {
  it("serves a route with status, case-insensitive joined headers and the body", async () => {
    const { sim, server, client } = world();
    const outcome = await run(sim, async () => {
      const res = await get(client);
      return {
        status: res.status,
        cc: res.headers.get("cache-control"),
        multi: res.headers.get("X-MULTI"),
        text: await res.text?.(),
      };
    });
    expect(outcome).toEqual({
      ok: true,
      value: { status: 200, cc: "max-age=60", multi: "a, b", text: JWKS },
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers.get("Accept")).toBe("application/json");
    expect(server.requests[0]?.headers.get("host")).toBe("jwks");
    await sim.runFor(100);
    expect(sim.net.openConnections()).toBe(0);
    expect(client.inFlight).toBe(0);
  });

  it("answers 404 for an unknown path and rejects a refused connection like fetch", async () => {
    const { sim, client } = world();
    const missing = await run(
      sim,
      async () =>
        (
          await client.fetch("https://jwks/nope", {
            signal: new AbortController().signal,
            headers: {},
          })
        ).status,
    );
    expect(missing).toEqual({ ok: true, value: 404 });
    const refused = await run(sim, () =>
      client.fetch("http://nobody:80/", { signal: new AbortController().signal, headers: {} }),
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toBeInstanceOf(TypeError);
  });

  it.each<[HttpFault, (o: Awaited<ReturnType<typeof run>>) => void]>([
    [
      { kind: "status", status: 503 },
      (o) => expect(o).toMatchObject({ ok: true, value: { status: 503 } }),
    ],
    [
      { kind: "malformed-json" },
      (o) => expect(o).toMatchObject({ ok: true, value: { status: 200, error: "SyntaxError" } }),
    ],
    [
      { kind: "truncated" },
      (o) => expect(o).toMatchObject({ ok: true, value: { status: 200, error: "TypeError" } }),
    ],
    [
      { kind: "oversized", bytes: 5_000 },
      (o) => expect(o).toMatchObject({ ok: true, value: { status: 200, size: 5_000 } }),
    ],
    [
      { kind: "reset" },
      (o) => expect(o).toMatchObject({ ok: false, error: expect.any(TypeError) }),
    ],
    [
      { kind: "headers", set: { "cache-control": ["max-age=1", "max-age=2"], expires: ["0"] } },
      (o) =>
        expect(o).toMatchObject({ ok: true, value: { cc: "max-age=1, max-age=2", expires: "0" } }),
    ],
  ])("applies the fault %j", async (fault, check) => {
    const { sim, client } = world(fault);
    const outcome = await run(sim, async () => {
      const res = await get(client);
      const base = {
        status: res.status,
        cc: res.headers.get("cache-control"),
        expires: res.headers.get("expires"),
      };
      try {
        const text = (await res.text?.()) ?? "";
        JSON.parse(text);
        return { ...base, size: text.length };
      } catch (error) {
        return { ...base, error: (error as Error).name };
      }
    });
    check(outcome);
    await sim.runFor(1_000);
    expect(sim.net.openConnections()).toBe(0);
  });

  it("delays, slows and drops responses on virtual time; an abort ends a dropped request", async () => {
    const delayed = world({ kind: "delay", ms: 5_000 });
    await run(delayed.sim, async () => (await get(delayed.client)).text?.());
    expect(delayed.sim.now()).toBeGreaterThanOrEqual(5_000);

    const slow = world({ kind: "slow-body", chunks: 4, chunkDelayMs: 1_000 });
    const body = await run(slow.sim, async () => (await get(slow.client)).text?.());
    expect(body).toEqual({ ok: true, value: JWKS });
    expect(slow.sim.now()).toBeGreaterThanOrEqual(3_000);

    const dropped = world({ kind: "drop" });
    const controller = new AbortController();
    dropped.sim.clock.setTimeout(() => controller.abort(new Error("client timeout")), 10_000);
    const outcome = await run(dropped.sim, () => get(dropped.client, controller.signal));
    expect(outcome).toMatchObject({ ok: false, error: { message: "client timeout" } });
    await dropped.sim.runFor(1_000);
    expect(dropped.sim.net.openConnections()).toBe(0);
    expect(dropped.server.openConnections).toBe(0);
  });

  it("close resets open connections and cancels pending responses", async () => {
    const { sim, server, client } = world({ kind: "delay", ms: 60_000 });
    void sim.spawn("hang", () =>
      get(client).then(
        () => undefined,
        () => undefined,
      ),
    );
    await sim.runFor(100);
    expect(server.openConnections).toBe(1);
    await server.close();
    await sim.runFor(100);
    expect(sim.pendingTimers("http-server:jwks:443")).toBe(0);
    expect(client.inFlight).toBe(0);
    await client.close();
  });

  it("drives a core AutoRefresh end to end", async () => {
    const { sim, server, client } = world();
    const refresher = createJwksRefresh({
      clock: sim.clockFor("refresher"),
      random: sim.randomFor("refresher"),
      httpClient: client.fetch,
    });
    const url = refresher.configure("https://jwks/keys", { minInterval: 1_000 });
    const first = await run(sim, () => refresher.fetch(url));
    expect(first).toMatchObject({ ok: true, value: { keys: [{ kid: "k1" }] } });
    await sim.runFor(600_000);
    // max-age=60 → one request per minute.
    expect(server.requests.length).toBeGreaterThanOrEqual(10);
    expect(server.requests.length).toBeLessThanOrEqual(11);
    server.setFaultPolicy(() => ({ kind: "oversized", bytes: 2_000_000 }));
    const errors: unknown[] = [];
    refresher.setErrorSink((f) => errors.push(f.error));
    await sim.runFor(120_000);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => isDsimError(e, "BODY_TOO_LARGE"))).toBe(true);
    await refresher.close();
    expect(sim.pendingTimers("refresher")).toBe(0);
  });
});
