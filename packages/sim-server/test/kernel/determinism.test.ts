import { describe, expect, it } from "vitest";
import { runWorkload } from "./workload.js";

type Trapped = "Date.now" | "Math.random" | "setTimeout" | "setInterval" | "performance.now";

/** Replaces ambient time/randomness sources with recorders for the duration of `fn`. */
async function withTraps(fn: () => Promise<void>): Promise<Trapped[]> {
  const calls: Trapped[] = [];
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = {
    dateNow: Date.now,
    mathRandom: Math.random,
    setTimeout: g.setTimeout,
    setInterval: g.setInterval,
    perfNow: Object.getOwnPropertyDescriptor(performance, "now"),
  };
  const trap = (name: Trapped) => () => {
    calls.push(name);
    throw new Error(`determinism guard: ${name} was called during a simulated run`);
  };
  Date.now = trap("Date.now");
  Math.random = trap("Math.random");
  g.setTimeout = trap("setTimeout");
  g.setInterval = trap("setInterval");
  Object.defineProperty(performance, "now", { configurable: true, value: trap("performance.now") });
  try {
    await fn();
  } finally {
    Date.now = saved.dateNow;
    Math.random = saved.mathRandom;
    g.setTimeout = saved.setTimeout;
    g.setInterval = saved.setInterval;
    if (saved.perfNow === undefined) delete (performance as unknown as Record<string, unknown>).now;
    else Object.defineProperty(performance, "now", saved.perfNow);
  }
  return calls;
}

describe("determinism guards", () => {
  it("(a) a simulated run never touches Date.now, Math.random, global timers or performance.now", async () => {
    let digest = "";
    let events = 0;
    const calls = await withTraps(async () => {
      const sim = await runWorkload(11);
      digest = sim.trace.digest();
      events = sim.eventsFired;
      await sim.close();
    });
    expect(calls).toEqual([]);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    // The workload must be non-trivial for the guard to mean anything.
    expect(events).toBeGreaterThan(200);
  });

  it("(b) the same seed gives the same digest; another seed a different one", async () => {
    const first = await runWorkload(2024);
    const again = await runWorkload(2024);
    const other = await runWorkload(2025);
    expect(again.trace.digest()).toBe(first.trace.digest());
    expect(again.trace.toJsonl()).toBe(first.trace.toJsonl());
    expect(other.trace.digest()).not.toBe(first.trace.digest());
    const kinds = new Set(first.trace.events.map((e) => e.kind));
    for (const kind of [
      "net.connect",
      "net.connected",
      "net.deliver",
      "net.partition",
      "net.heal",
      "done",
    ]) {
      expect(kinds).toContain(kind);
    }
    for (const sim of [first, again, other]) {
      expect(sim.net.openConnections()).toBe(0);
      expect(sim.timerOwners()).toEqual([]);
      await sim.close();
    }
  });
});
