import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/index.js";

describe("installGlobals closes the AbortSignal.timeout and Math.random escapes", () => {
  it("AbortSignal.timeout aborts after virtual time with a TimeoutError, and is restored on dispose", async () => {
    const originalTimeout = AbortSignal.timeout;
    const sim = new Simulation({ seed: 1 });
    const abortedAt: number[] = [];
    let reason: unknown;
    {
      using _globals = sim.installGlobals();
      expect(AbortSignal.timeout).not.toBe(originalTimeout);
      const signal = AbortSignal.timeout(5_000);
      signal.addEventListener("abort", () => {
        abortedAt.push(sim.now());
        reason = signal.reason;
      });
      const never = AbortSignal.timeout(60_000);
      expect(sim.pendingTimers("globals.abort-timeout")).toBe(2);
      await sim.runFor(4_999);
      expect(signal.aborted).toBe(false);
      await sim.runFor(1);
      expect(signal.aborted).toBe(true);
      expect(never.aborted).toBe(false);
      expect(() => AbortSignal.timeout(-1)).toThrow(RangeError);
      expect(() => AbortSignal.timeout("5" as unknown as number)).toThrow(TypeError);
    }
    expect(abortedAt).toEqual([5_000]);
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe("TimeoutError");
    // Dispose drops the pending abort timers and restores Node's function.
    expect(sim.pendingTimers("globals.abort-timeout")).toBe(0);
    expect(AbortSignal.timeout).toBe(originalTimeout);
  });

  it("Math.random is a seeded stream: same seed same numbers, another seed others, restored on dispose", () => {
    const originalRandom = Math.random;
    const draw = (seed: number, n: number): number[] => {
      const sim = new Simulation({ seed });
      using _globals = sim.installGlobals();
      return Array.from({ length: n }, () => Math.random());
    };
    const a = draw(7, 5);
    const b = draw(7, 5);
    const c = draw(8, 5);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    for (const x of a) expect(x >= 0 && x < 1).toBe(true);
    expect(Math.random).toBe(originalRandom);
  });

  it("Math.random continues its stream across installs and does not shift other streams", () => {
    const sim = new Simulation({ seed: 9 });
    const reference = new Simulation({ seed: 9 }).randomFor("net").next();
    let first: number[];
    {
      using _globals = sim.installGlobals();
      first = [Math.random(), Math.random()];
    }
    let second: number[];
    {
      using _globals = sim.installGlobals();
      second = [Math.random()];
    }
    const fresh = new Simulation({ seed: 9 });
    using _g = fresh.installGlobals();
    const three = [Math.random(), Math.random(), Math.random()];
    expect([...first, ...second]).toEqual(three);
    expect(sim.randomFor("net").next()).toBe(reference);
  });
});
