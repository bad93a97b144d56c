import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/index.js";
import { connectPair } from "./helpers.js";

interface Op {
  readonly from: "client" | "server";
  readonly gapMs: number;
  readonly fault:
    | "none"
    | "partition"
    | "partition-up"
    | "partition-down"
    | "hold-up"
    | "hold-down";
  readonly faultMs: number;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  from: fc.constantFrom("client", "server"),
  gapMs: fc.integer({ min: 0, max: 20 }),
  fault: fc.constantFrom(
    "none",
    "none",
    "none",
    "partition",
    "partition-up",
    "partition-down",
    "hold-up",
    "hold-down",
  ),
  faultMs: fc.integer({ min: 1, max: 300 }),
});

const linkArb = fc.record({
  latencyMs: fc.integer({ min: 0, max: 20 }),
  jitterMs: fc.integer({ min: 0, max: 30 }),
  loss: fc.constantFrom(0, 0.1, 0.3, 0.6),
});

interface Sent {
  readonly n: number;
  readonly at: number;
}

describe("connection properties (fast-check, seed 42)", () => {
  it("in order, exactly once, never early — under jitter, loss, partitions and holds", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        linkArb,
        fc.array(opArb, { minLength: 1, maxLength: 40 }),
        fc.constantFrom("client", "server", "both"),
        async (seed, link, ops, closer) => {
          const sim = new Simulation({ seed });
          sim.net.setLink("c", "s", link);
          const { client, server } = await connectPair<Sent>(sim, "c", "s:1");
          const sent = { client: [] as Sent[], server: [] as Sent[] };
          let n = 0;
          for (const op of ops) {
            await sim.runFor(op.gapMs);
            const message = { n: n++, at: sim.now() };
            sent[op.from].push(message);
            (op.from === "client" ? client : server).conn.send(message);
            if (op.fault === "none") continue;
            const [a, b] = op.fault.endsWith("down") ? ["s", "c"] : ["c", "s"];
            if (op.fault.startsWith("hold")) {
              sim.net.hold(a, b);
              sim.clock.setTimeout(() => sim.net.release(a, b), op.faultMs);
            } else {
              sim.net.partition(a, b, { oneWay: op.fault !== "partition" });
              sim.clock.setTimeout(() => sim.net.heal(a, b), op.faultMs);
            }
          }
          await sim.runUntilIdle();
          expect(server.received).toEqual(sent.client);
          expect(client.received).toEqual(sent.server);
          for (const side of [server, client]) {
            side.received.forEach((m, i) => {
              expect(side.receivedAt[i]).toBeGreaterThanOrEqual(m.at + link.latencyMs);
              if (i > 0)
                expect(side.receivedAt[i]).toBeGreaterThanOrEqual(side.receivedAt[i - 1] ?? 0);
            });
          }
          if (closer !== "server") client.conn.close();
          if (closer !== "client") server.conn.close();
          await sim.runUntilIdle();
          if (closer === "client") expect(server.closed).toBe("closed");
          if (closer === "server") expect(client.closed).toBe("closed");
          expect(sim.net.openConnections()).toBe(0);
          expect(sim.timerOwners()).toEqual([]);
        },
      ),
      { seed: 42, numRuns: 120 },
    );
  });

  it("without faults, each delivery is max(previous delivery, send + latency + jitter) with jitter < jitterMs", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 30 }),
        async (seed, latencyMs, jitterMs, gaps) => {
          const sim = new Simulation({ seed });
          sim.net.setLink("c", "s", { latencyMs, jitterMs });
          const { client, server } = await connectPair<number>(sim, "c", "s:1");
          const sentAt: number[] = [];
          for (const gap of gaps) {
            await sim.runFor(gap);
            sentAt.push(sim.now());
            client.conn.send(sentAt.length - 1);
          }
          await sim.runUntilIdle();
          server.receivedAt.forEach((at, i) => {
            const sent = sentAt[i] ?? Number.NaN;
            const previous = i === 0 ? Number.NEGATIVE_INFINITY : (server.receivedAt[i - 1] ?? 0);
            // Either it waited for the previous delivery, or it took latency + jitter on its own.
            const own = at - sent - latencyMs;
            expect(at === previous || (own >= 0 && own < jitterMs)).toBe(true);
          });
          expect(server.received).toEqual(sentAt.map((_, i) => i));
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });
});
