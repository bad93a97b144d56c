import { describe, expect, it } from "vitest";
import { FakeHttpServer, Simulation, VirtualFetchTargetError } from "../../src/index.js";

describe("installGlobals({ fetch })", () => {
  it("makes the global fetch a virtual one bound to the host, and restores it", async () => {
    const original = globalThis.fetch;
    const sim = new Simulation({ seed: 1 });
    sim.net.setLink("app", "idp", { latencyMs: 5 });
    const server = new FakeHttpServer(sim, { address: "idp:80" });
    server.route("/hello", (request) => ({ status: 200, body: `hi ${request.at}` }));
    const seen: Array<{ status: number; text: string; at: number }> = [];
    {
      using _globals = sim.installGlobals({ fetch: { fromHost: "app" } });
      expect(globalThis.fetch).not.toBe(original);
      void sim.spawn("app", async () => {
        const response = await fetch("http://idp/hello");
        seen.push({ status: response.status, text: await response.text(), at: sim.now() });
      });
      await sim.runUntil(() => seen.length === 1, { timeoutMs: 1_000 });
    }
    // Connect (10 ms round trip), then the request (10 ms round trip): all on virtual time.
    expect(seen).toEqual([{ status: 200, text: "hi 15", at: 20 }]);
    expect(globalThis.fetch).toBe(original);
    await server.close();
    await sim.close();
  });

  it("refuses a host that is not on the virtual network, never going to the real one", async () => {
    const sim = new Simulation({ seed: 2 });
    sim.net.setLink("app", "idp", { latencyMs: 5 });
    using _globals = sim.installGlobals({ fetch: { fromHost: "app" } });
    await expect(fetch("http://example.com/")).rejects.toThrow(
      /host example\.com is not on the virtual network/,
    );
    await expect(fetch("https://idp/")).rejects.toBeInstanceOf(VirtualFetchTargetError);
    await expect(fetch("/relative")).rejects.toThrow(TypeError);
    expect(sim.trace.events.filter((e) => e.kind === "fetch.escape")).toHaveLength(2);
  });

  it("rejects a fetch option without a host and leaves the globals untouched", () => {
    const sim = new Simulation({ seed: 3 });
    const original = globalThis.setTimeout;
    expect(() => sim.installGlobals({ fetch: { fromHost: "" } })).toThrow(/fetch\.fromHost/);
    expect(globalThis.setTimeout).toBe(original);
    // Nothing stayed installed: a new installation works.
    sim.installGlobals()[Symbol.dispose]();
  });
});
