import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/index.js";

function collect(
  sim: Simulation,
  host: string,
): Array<{ from: string; message: unknown; t: number }> {
  const got: Array<{ from: string; message: unknown; t: number }> = [];
  sim.net.onDatagram(host, (from, message) => got.push({ from, message, t: sim.now() }));
  return got;
}

describe("datagrams", () => {
  it("arrive after the link latency", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.net.setLink("a", "b", { latencyMs: 7 });
    const got = collect(sim, "b");
    sim.net.sendDatagram("a", "b", "hi");
    await sim.runFor(10);
    expect(got).toEqual([{ from: "a", message: "hi", t: 7 }]);
    expect(() => sim.net.onDatagram("b", () => {})).toThrow(/already/);
  });

  it("are lost at roughly the configured rate, and the loss is traced", async () => {
    const sim = new Simulation({ seed: 3 });
    sim.net.setLink("a", "b", { loss: 0.3 });
    const got = collect(sim, "b");
    for (let i = 0; i < 1000; i++) sim.net.sendDatagram("a", "b", i);
    await sim.runFor(10);
    const drops = sim.trace.events.filter(
      (e) => e.kind === "net.drop" && e.data.reason === "loss",
    ).length;
    expect(got.length + drops).toBe(1000);
    expect(drops).toBeGreaterThan(240);
    expect(drops).toBeLessThan(360);
  });

  it("are dropped by a partition (at send and at arrival) and when nobody listens", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.net.setLink("a", "b", { latencyMs: 5 });
    const got = collect(sim, "b");
    sim.net.sendDatagram("a", "b", "in flight");
    await sim.runFor(1);
    sim.net.partition("a", "b");
    sim.net.sendDatagram("a", "b", "at send");
    await sim.runFor(10);
    sim.net.heal("a", "b");
    sim.net.sendDatagram("a", "nobody", "x");
    await sim.runFor(10);
    expect(got).toEqual([]);
    const reasons = sim.trace.events.filter((e) => e.kind === "net.drop").map((e) => e.data.reason);
    expect(reasons).toEqual(["partition", "partition", "no-handler"]);
  });

  it("are held and released in their original order, even with jitter", async () => {
    const sim = new Simulation({ seed: 5 });
    sim.net.setLink("a", "b", { latencyMs: 1, jitterMs: 50 });
    const got = collect(sim, "b");
    sim.net.hold("a", "b");
    for (let i = 0; i < 20; i++) sim.net.sendDatagram("a", "b", i);
    await sim.runFor(100);
    expect(got).toEqual([]);
    sim.net.release("a", "b");
    await sim.runFor(100);
    expect(got.map((d) => d.message)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("may be reordered by jitter (unlike connections)", async () => {
    const sim = new Simulation({ seed: 5 });
    sim.net.setLink("a", "b", { latencyMs: 1, jitterMs: 50 });
    const got = collect(sim, "b");
    for (let i = 0; i < 20; i++) sim.net.sendDatagram("a", "b", i);
    await sim.runFor(100);
    const order = got.map((d) => d.message);
    expect([...order].sort((x, y) => Number(x) - Number(y))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(order).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
