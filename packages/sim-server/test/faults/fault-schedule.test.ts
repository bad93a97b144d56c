import { describe, expect, it } from "vitest";
import { FaultSchedule } from "../../src/faults/fault-schedule.js";
import { startHttpOutage } from "../../src/faults/http-outage.js";
import { type NetFault, startNetFault } from "../../src/faults/net-faults.js";
import { FakeHttpServer } from "../../src/http/fake-http-server.js";
import { createVirtualFetch } from "../../src/http/virtual-fetch.js";
import { Simulation } from "../../src/kernel/simulation.js";

describe("FaultSchedule with net faults", () => {
  it("starts each fault at its time and ends it after its duration, on virtual time", async () => {
    await using sim = new Simulation({ seed: 1, keepEvents: true });
    const faults = new FaultSchedule<NetFault>(sim, startNetFault(sim.net));
    faults.schedule([
      { kind: "partition", at: 100, durationMs: 200, a: "client", b: "server" },
      { kind: "latency", at: 50, durationMs: 1_000, a: "client", b: "db", latencyMs: 40 },
    ]);
    const before = sim.net.linkConfig("client", "db").latencyMs;
    await sim.runFor(99);
    expect(sim.net.isPartitioned("client", "server")).toBe(false);
    expect(sim.net.linkConfig("client", "db").latencyMs).toBe(40);
    await sim.runFor(1);
    expect(sim.net.isPartitioned("client", "server")).toBe(true);
    expect(faults.active).toBe(2);
    await sim.runFor(200);
    expect(sim.net.isPartitioned("client", "server")).toBe(false);
    await sim.runFor(1_000);
    expect(sim.net.linkConfig("client", "db").latencyMs).toBe(before);
    expect(faults.active).toBe(0);
    const kinds = sim.trace.events.filter((e) => e.source === "fault").map((e) => e.kind);
    expect(kinds).toEqual(["latency.start", "partition.start", "end", "end"]);
  });

  it("healAll ends active faults and cancels pending ones", async () => {
    await using sim = new Simulation({ seed: 1 });
    const faults = new FaultSchedule<NetFault>(sim, startNetFault(sim.net));
    faults.schedule([
      { kind: "partition", at: 0, a: "client", b: "server" },
      { kind: "partition", at: 500, a: "client", b: "other" },
    ]);
    await sim.runFor(10);
    expect(sim.net.isPartitioned("client", "server")).toBe(true);
    faults.healAll();
    expect(sim.net.isPartitioned("client", "server")).toBe(false);
    await sim.runFor(1_000);
    expect(sim.net.isPartitioned("client", "other")).toBe(false);
    expect(sim.pendingTimers("faults")).toBe(0);
  });

  it("rejects a fault with a negative or missing time, naming it", async () => {
    await using sim = new Simulation({ seed: 1 });
    const faults = new FaultSchedule<NetFault>(sim, startNetFault(sim.net));
    expect(() => faults.schedule([{ kind: "hold", at: -1, a: "a", b: "b" }])).toThrow(
      /fault "hold" needs at >= 0, got -1/,
    );
    expect(() =>
      faults.schedule([{ kind: "hold", at: 0, durationMs: Number.NaN, a: "a", b: "b" }]),
    ).toThrow(RangeError);
    expect(sim.pendingTimers("faults")).toBe(0);
  });
});

describe("startHttpOutage", () => {
  it("answers with the window's fault while it is open, and normally after", async () => {
    await using sim = new Simulation({ seed: 2 });
    const server = new FakeHttpServer(sim, { address: "api:80" });
    server.route("/v", () => ({ status: 200, body: "ok" }));
    const faults = new FaultSchedule(sim, startHttpOutage(server));
    faults.schedule([
      { kind: "http", at: 1_000, durationMs: 2_000, fault: { kind: "status", status: 503 } },
    ]);
    const http = createVirtualFetch(sim);
    const statuses: number[] = [];
    void sim.spawn("poll", async () => {
      for (const at of [0, 1_500, 3_500]) {
        if (sim.now() < at) {
          await new Promise<void>((resolve) =>
            sim.clock.setTimeout(() => resolve(), at - sim.now()),
          );
        }
        statuses.push((await http.fetch("http://api/v")).status);
      }
    });
    await sim.runUntil(() => statuses.length === 3);
    expect(statuses).toEqual([200, 503, 200]);
    await http.close();
    await server.close();
  });
});
