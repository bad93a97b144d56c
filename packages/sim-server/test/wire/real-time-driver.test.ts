import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/simulation.js";
import { RealTimeDriver } from "../../src/wire/real-time-driver.js";
import { isWireError } from "../../src/wire/wire-error.js";
import { waitFor } from "./wait-for.js";

describe("RealTimeDriver", () => {
  it("validates its arguments up front", () => {
    const sim = { now: () => 0, runFor: () => Promise.resolve() };
    expect(() => new RealTimeDriver({} as never)).toThrow(TypeError);
    expect(() => new RealTimeDriver(sim, { tickMs: 0 })).toThrow(RangeError);
    expect(() => new RealTimeDriver(sim, { tickMs: Number.NaN })).toThrow(RangeError);
    expect(() => new RealTimeDriver(sim, { onError: 1 as never })).toThrow(TypeError);
  });

  it("fires a virtual timer after about the same wall time, and stops on close", async () => {
    await using sim = new Simulation({ seed: 1 });
    const driver = new RealTimeDriver(sim, { tickMs: 2 });
    const started = performance.now();
    let firedAfter: number | undefined;
    sim.clock.setTimeout(() => {
      firedAfter = performance.now() - started;
    }, 100);
    await waitFor("the virtual timer", () => firedAfter !== undefined, 3000);
    expect(firedAfter).toBeGreaterThanOrEqual(90);
    // Generous: only a driver that stopped tracking wall time misses it (the machine may be busy).
    expect(firedAfter).toBeLessThan(10_000);
    // Virtual time tracks wall time: never ahead of it.
    expect(sim.now()).toBeLessThanOrEqual(driver.wallElapsed() + 1);
    await driver.close();
    const frozen = sim.now();
    const steps = driver.steps;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sim.now()).toBe(frozen);
    expect(driver.steps).toBe(steps);
    expect(driver.error).toBeUndefined();
  });

  it("never overlaps steps: a slow step makes the next one larger", async () => {
    let now = 0;
    let running = 0;
    let maxRunning = 0;
    const deltas: number[] = [];
    const sim = {
      now: () => now,
      runFor: async (ms: number) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        deltas.push(ms);
        await new Promise((resolve) => setTimeout(resolve, 20));
        now += ms;
        running -= 1;
      },
    };
    const driver = new RealTimeDriver(sim, { tickMs: 1 });
    await waitFor("a few steps", () => deltas.length >= 4, 3000);
    await driver.close();
    expect(maxRunning).toBe(1);
    expect(Math.max(...deltas.slice(1))).toBeGreaterThanOrEqual(15);
  });

  it("reports DRIVER_FAILED once while every step fails, and keeps driving", async () => {
    const errors: unknown[] = [];
    const sim = { now: () => 0, runFor: () => Promise.reject(new Error("boom")) };
    const driver = new RealTimeDriver(sim, { tickMs: 1, onError: (e) => errors.push(e) });
    await waitFor("the failure", () => driver.error !== undefined, 3000);
    await waitFor("more failed steps", () => driver.failures >= 3, 3000);
    await driver.close();
    expect(isWireError(driver.error, "DRIVER_FAILED")).toBe(true);
    expect(driver.error?.message).toContain("boom");
    expect(errors).toEqual([driver.error]);
  });

  it("catchUp() advances virtual time to wall time at once", async () => {
    await using sim = new Simulation({ seed: 1 });
    // A long tick: only catchUp moves time here.
    await using driver = new RealTimeDriver(sim, { tickMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await driver.catchUp();
    expect(sim.now()).toBeGreaterThanOrEqual(15);
  });
});
