import { describe, expect, it } from "vitest";
import { FakeHttpServer } from "../../src/http/fake-http-server.js";
import type { HttpFault } from "../../src/http/http-faults.js";
import { createVirtualFetch } from "../../src/http/virtual-fetch.js";
import { Simulation } from "../../src/kernel/simulation.js";

function world(fault?: HttpFault) {
  const sim = new Simulation({ seed: 3 });
  sim.net.setLink("client", "keys", { latencyMs: 10 });
  const server = new FakeHttpServer(sim, { address: "keys:80" });
  server.route("/jwks", () => ({
    status: 200,
    headers: { "cache-control": "max-age=60", "content-type": "application/json" },
    body: '{"keys":[]}',
  }));
  server.route("/gone", () => ({ status: 204 }));
  if (fault !== undefined) server.setFaultPolicy(() => fault);
  return { sim, server, http: createVirtualFetch(sim) };
}

/** Runs `task` in the simulation until it settles; returns its outcome and the virtual time. */
async function run<T>(sim: Simulation, task: () => Promise<T>) {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  void sim.spawn("fetch", async () => {
    try {
      outcome = { ok: true, value: await task() };
    } catch (error) {
      outcome = { ok: false, error };
    }
  });
  await sim.runUntil(() => outcome !== undefined, { timeoutMs: 60_000 });
  if (outcome === undefined) throw new Error("no outcome");
  return { outcome, at: sim.now() };
}

describe("createVirtualFetch", () => {
  it("answers with a real Response over sim.net, on virtual time", async () => {
    const { sim, server, http } = world();
    const { outcome, at } = await run(sim, async () => {
      const response = await http.fetch("http://keys/jwks", { headers: { "X-Trace": "t1" } });
      return { response, body: await response.json() };
    });
    if (!outcome.ok) throw outcome.error;
    expect(outcome.value.response).toBeInstanceOf(Response);
    expect(outcome.value.response.ok).toBe(true);
    expect(outcome.value.response.headers.get("cache-control")).toBe("max-age=60");
    expect(outcome.value.body).toEqual({ keys: [] });
    // connect (10 + 10) then request and response (10 + 10)
    expect(at).toBe(40);
    expect(server.requests[0]?.headers.get("x-trace")).toBe("t1");
    expect(http.inFlight).toBe(0);
    await sim.close();
  });

  it("passes 5xx statuses through and gives bodyless statuses a null body", async () => {
    const failing = world({ kind: "status", status: 503 });
    const five = await run(failing.sim, () => failing.http.fetch(new URL("http://keys/jwks")));
    expect(five.outcome.ok && five.outcome.value.status).toBe(503);
    const plain = world();
    const empty = await run(plain.sim, () => plain.http.fetch("http://keys/gone"));
    expect(empty.outcome.ok && empty.outcome.value.body).toBeNull();
  });

  it("rejects like Node's fetch: refused, reset, aborted, unsupported method", async () => {
    const { sim, http } = world({ kind: "reset" });
    const reset = await run(sim, () => http.fetch("http://keys/jwks"));
    expect(!reset.outcome.ok && String(reset.outcome.error)).toMatch(/TypeError: fetch failed/);
    const refused = await run(sim, () => http.fetch("http://nobody/x"));
    expect(!refused.outcome.ok && String(refused.outcome.error)).toMatch(/fetch failed/);
    const aborted = await run(sim, () =>
      http.fetch("http://keys/jwks", { signal: AbortSignal.abort(new Error("stop")) }),
    );
    expect(!aborted.outcome.ok && String(aborted.outcome.error)).toBe("Error: stop");
    const post = await run(sim, () => http.fetch("http://keys/jwks", { method: "POST" }));
    expect(!post.outcome.ok && String(post.outcome.error)).toMatch(/method POST is not supported/);
  });

  it("streams the body: a stalled body stalls json() after the head arrived", async () => {
    const { sim, http } = world({ kind: "slow-body", chunks: 2, chunkDelayMs: 5_000 });
    let headAt = -1;
    const { outcome, at } = await run(sim, async () => {
      const response = await http.fetch("http://keys/jwks");
      headAt = sim.now();
      return response.json();
    });
    expect(outcome.ok && outcome.value).toEqual({ keys: [] });
    expect(headAt).toBeLessThan(at - 4_000);
    await http.close();
    expect(http.openConnections).toBe(0);
  });
});
