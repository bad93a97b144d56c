import { Simulation, type VirtualConnection } from "@dsim/sim-server";
import { describe, expect, it } from "vitest";
import { runSuite } from "../../../src/runner/run-suite.js";
import { InvariantViolation, type Suite } from "../../../src/runner/suite.js";
import type { NetCase } from "../../../src/suites/net/net-case.js";
import { netDelivery } from "../../../src/suites/net-delivery.js";

/** `netDelivery` running against a network that `sabotage` has broken on purpose. */
function sabotaged(name: string, sabotage: (sim: Simulation) => void): Suite<NetCase> {
  return {
    ...netDelivery,
    name,
    run: async (sim, testCase) => {
      sabotage(sim);
      await netDelivery.run(sim, testCase);
    },
  };
}

/** Replaces one method of the simulation's network. */
function patchNet<K extends "partition" | "heal" | "hold" | "connect">(
  sim: Simulation,
  method: K,
  replace: (original: Simulation["net"][K]) => Simulation["net"][K],
): void {
  const original = sim.net[method].bind(sim.net) as Simulation["net"][K];
  Object.defineProperty(sim.net, method, { value: replace(original), configurable: true });
}

async function invariantBroken(suite: Suite<NetCase>): Promise<string | undefined> {
  const result = await runSuite(suite, { seed: 42, runs: 300, endOnFailure: true });
  return result.failure?.invariant;
}

describe("net-delivery on the real network", () => {
  it("passes its default runs and is deterministic", async () => {
    const a = await runSuite(netDelivery, { seed: 42 });
    expect(a.failure).toBeUndefined();
    expect(a.runs).toBe(netDelivery.defaultRuns);
    const b = await runSuite(netDelivery, { seed: 42, runs: 40 });
    expect(b.runDigests).toEqual(a.runDigests.slice(0, 40));
    const c = await runSuite(netDelivery, { seed: 43, runs: 40 });
    expect(c.digest).not.toBe(b.digest);
  });
});

describe("net-delivery catches a broken network", () => {
  it("a partition that does not cut traffic breaks no-delivery-while-blocked", async () => {
    const suite = sabotaged("no-partition", (sim) => patchNet(sim, "partition", () => () => {}));
    expect(await invariantBroken(suite)).toBe("net.no-delivery-while-blocked");
  });

  it("a hold that does not hold breaks no-delivery-while-blocked", async () => {
    const suite = sabotaged("no-hold", (sim) => patchNet(sim, "hold", () => () => {}));
    expect(await invariantBroken(suite)).toBe("net.no-delivery-while-blocked");
  });

  it("a heal that does not heal breaks liveness (of messages or of the close)", async () => {
    const suite = sabotaged("no-heal", (sim) => patchNet(sim, "heal", () => () => {}));
    expect(await invariantBroken(suite)).toMatch(/^net\.(liveness-after-heal|close-reaches-peer)$/);
  });

  it("a message stuck behind a partition that never heals breaks liveness-after-heal", async () => {
    const stuck: NetCase = {
      hosts: ["h0", "h1"],
      links: [{ a: "h0", b: "h1", latencyMs: 5, jitterMs: 0, loss: 0 }],
      connections: [{ client: "h0", server: "h1" }],
      actions: [
        { at: 0, kind: "partition", a: "h0", b: "h1", oneWay: false },
        { at: 10, kind: "send", conn: 0, dir: "c2s", count: 2 },
        { at: 100, kind: "heal", a: "h0", b: "h1" },
      ],
    };
    await using healthy = new Simulation({ seed: 1 });
    await expect(netDelivery.run(healthy, stuck)).resolves.toBeUndefined();
    await using broken = new Simulation({ seed: 1 });
    patchNet(broken, "heal", () => () => {});
    const error: unknown = await netDelivery.run(broken, stuck).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvariantViolation);
    expect((error as InvariantViolation).invariant).toBe("net.liveness-after-heal");
    expect((error as InvariantViolation).details.missing).toEqual({
      "0:c2s": { sent: 2, received: 0 },
    });
  });

  it("duplicated sends break in-order-exactly-once", async () => {
    const suite = sabotaged("duplicates", (sim) =>
      patchNet(
        sim,
        "connect",
        (connect) =>
          (async (from, address, options) => {
            const conn = (await connect(from, address, options)) as VirtualConnection<unknown>;
            const send = conn.send.bind(conn);
            Object.defineProperty(conn, "send", {
              value: (message: unknown) => send(message) && send(message),
            });
            return conn;
          }) as typeof connect,
      ),
    );
    expect(await invariantBroken(suite)).toBe("net.in-order-exactly-once");
  });

  it("a leaked connection breaks no-leak-after-close", async () => {
    const suite = sabotaged("leak", (sim) => {
      sim.net.listen("leak:1", () => {});
      void sim.net.connect("h0", "leak:1");
    });
    expect(await invariantBroken(suite)).toBe("net.no-leak-after-close");
  });
});
