import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type NetAction,
  type NetCase,
  netCaseArbitrary,
  PLAN_HORIZON_MS,
} from "../../../src/suites/net/net-case.js";

describe("netCaseArbitrary", () => {
  it("generates valid, sorted plans whose faults never overlap on one host pair", () => {
    fc.assert(
      fc.property(netCaseArbitrary, (c) => {
        expect(c.hosts.length).toBeGreaterThanOrEqual(2);
        expect(c.links).toHaveLength((c.hosts.length * (c.hosts.length - 1)) / 2);
        for (const { client, server } of c.connections) {
          expect(c.hosts).toContain(client);
          expect(c.hosts).toContain(server);
          expect(client).not.toBe(server);
        }
        const times = c.actions.map((a) => a.at);
        expect(times).toEqual([...times].sort((x, y) => x - y));
        const open = new Map<string, NetAction>();
        for (const action of c.actions) {
          expect(action.at).toBeLessThanOrEqual(PLAN_HORIZON_MS);
          if (action.kind === "send") {
            expect(action.conn).toBeLessThan(c.connections.length);
            continue;
          }
          const key = [action.a, action.b].sort().join("|");
          if (action.kind === "partition" || action.kind === "hold") {
            expect(open.has(key)).toBe(false);
            open.set(key, action);
          } else {
            const start = open.get(key);
            expect(start?.kind).toBe(action.kind === "heal" ? "partition" : "hold");
            open.delete(key);
          }
        }
        // Every fault is healed or released by the end of the plan.
        expect(open.size).toBe(0);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

/** True when the plan sends on a direction while the plan blocks it. */
function sendsIntoBlock(c: NetCase): boolean {
  const blocked = new Set<string>();
  for (const action of c.actions) {
    if (action.kind === "partition") {
      blocked.add(`${action.a}>${action.b}`);
      if (!action.oneWay) blocked.add(`${action.b}>${action.a}`);
    } else if (action.kind === "hold") {
      blocked.add(`${action.a}>${action.b}`);
    } else if (action.kind === "heal") {
      blocked.delete(`${action.a}>${action.b}`);
      blocked.delete(`${action.b}>${action.a}`);
    } else if (action.kind === "release") {
      blocked.delete(`${action.a}>${action.b}`);
    } else {
      const conn = c.connections[action.conn];
      if (conn === undefined) continue;
      const [from, to] =
        action.dir === "c2s" ? [conn.client, conn.server] : [conn.server, conn.client];
      if (blocked.has(`${from}>${to}`)) return true;
    }
  }
  return false;
}

describe("netCaseArbitrary coverage", () => {
  it("sends into a blocked direction in a good share of cases", () => {
    const cases = fc.sample(netCaseArbitrary, { seed: 42, numRuns: 200 });
    // Measured 74 of 200 with this seed; the floor guards against a generator that stops
    // putting traffic behind faults.
    expect(cases.filter(sendsIntoBlock).length).toBeGreaterThanOrEqual(50);
  });
});
