import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/index.js";

describe("installGlobals", () => {
  it("fakes timers, Date and performance.now, and restores the originals on dispose", async () => {
    const originals = {
      setTimeout: globalThis.setTimeout,
      clearTimeout: globalThis.clearTimeout,
      setInterval: globalThis.setInterval,
      clearInterval: globalThis.clearInterval,
      Date: globalThis.Date,
      performanceNow: performance.now,
    };
    const epochMs = Date.UTC(2030, 5, 1);
    const sim = new Simulation({ seed: 1, epochMs });
    const log: string[] = [];
    {
      using _globals = sim.installGlobals();
      expect(globalThis.setTimeout).not.toBe(originals.setTimeout);
      expect(Date.now()).toBe(epochMs);
      expect(new Date().toISOString()).toBe("2030-06-01T00:00:00.000Z");
      const t = setTimeout(
        (x: string) => log.push(`timeout ${x} @${performance.now()}`),
        50,
        "arg",
      );
      expect(typeof t.unref).toBe("function");
      t.unref();
      const cancelled = setTimeout(() => log.push("cancelled"), 10);
      clearTimeout(cancelled);
      let ticks = 0;
      const interval = setInterval(() => {
        ticks++;
        log.push(`interval @${performance.now()}`);
        if (ticks === 3) clearInterval(interval);
      }, 20);
      expect(sim.pendingTimers("globals")).toBe(2);
      // The run loop keeps working while the globals are fake.
      await sim.runFor(100);
      expect(Date.now()).toBe(epochMs + 100);
      expect(new Date(0).getTime()).toBe(0);
    }
    expect(log).toEqual(["interval @20", "interval @40", "timeout arg @50", "interval @60"]);
    expect(sim.pendingTimers("globals")).toBe(0);
    expect(globalThis.setTimeout).toBe(originals.setTimeout);
    expect(globalThis.clearTimeout).toBe(originals.clearTimeout);
    expect(globalThis.setInterval).toBe(originals.setInterval);
    expect(globalThis.clearInterval).toBe(originals.clearInterval);
    expect(globalThis.Date).toBe(originals.Date);
    expect(performance.now).toBe(originals.performanceNow);
    expect(Math.abs(Date.now() - originals.Date.now())).toBeLessThan(1000);
  });

  it("clears its timers on dispose, accepts numeric handles, and refuses nesting", async () => {
    const sim = new Simulation({ seed: 1 });
    const fired: string[] = [];
    const globals = sim.installGlobals();
    try {
      expect(() => sim.installGlobals()).toThrow(/already installed/);
      const handle = setTimeout(() => fired.push("numeric-cleared"), 5);
      clearTimeout(Number(handle));
      setTimeout(() => fired.push("pending at dispose"), 50);
      const refreshed = setTimeout(() => fired.push(`refreshed @${sim.now()}`), 10);
      await sim.runFor(5);
      refreshed.refresh();
      await sim.runFor(20);
      expect(() => setTimeout("code" as unknown as () => void, 1)).toThrow(TypeError);
    } finally {
      globals[Symbol.dispose]();
      globals[Symbol.dispose]();
    }
    expect(sim.pendingTimers()).toBe(0);
    await sim.runFor(100);
    expect(fired).toEqual(["refreshed @15"]);
    using again = sim.installGlobals();
    expect(again).toBeDefined();
  });

  it("the run loop does not depend on the global setImmediate (captured at load)", async () => {
    const sim = new Simulation({ seed: 1 });
    const saved = globalThis.setImmediate;
    let calls = 0;
    globalThis.setImmediate = ((..._args: unknown[]) => {
      calls++;
      throw new Error("global setImmediate must not be used by the run loop");
    }) as unknown as typeof setImmediate;
    const fired: number[] = [];
    try {
      for (let i = 1; i <= 5; i++) sim.clock.setTimeout(() => fired.push(sim.now()), i);
      await sim.runFor(10);
    } finally {
      globalThis.setImmediate = saved;
    }
    expect(fired).toEqual([1, 2, 3, 4, 5]);
    expect(calls).toBe(0);
  });
});
