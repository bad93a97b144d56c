import { describe, expect, it } from "vitest";
import { MAX_TIMER_DELAY_MS, Simulation } from "../../src/index.js";

/** Fires one timer with `delay` at t=0 and returns when it fired. */
async function fireTimeOf(delay: number): Promise<{ at: number; sim: Simulation }> {
  const sim = new Simulation({ seed: 1 });
  let at = -1;
  sim.clock.setTimeout(() => {
    at = sim.now();
  }, delay);
  await sim.runFor(10);
  return { at, sim };
}

describe("VirtualClock timer delays follow Node", () => {
  it.each([
    ["NaN", Number.NaN, 1, true],
    ["negative", -5, 1, true],
    ["above 2^31-1", MAX_TIMER_DELAY_MS + 1, 1, true],
    ["Infinity", Number.POSITIVE_INFINITY, 1, true],
    ["zero", 0, 1, false],
    ["a fraction below 1", 0.5, 1, false],
    ["a fraction above 1", 2.5, 2.5, false],
    ["an integer", 7, 7, false],
  ])("%s fires at %s ms → %s", async (_label, delay, expected, clamped) => {
    const { at, sim } = await fireTimeOf(delay);
    expect(at).toBe(expected);
    const clamps = sim.trace.events.filter((e) => e.kind === "kernel.timer-clamped");
    expect(clamps.length).toBe(clamped ? 1 : 0);
    if (clamped)
      expect(clamps[0]?.data).toMatchObject({ owner: "world", delay: 1, requested: String(delay) });
  });

  it("keeps the maximum delay 2^31-1 as is", async () => {
    const sim = new Simulation({ seed: 1 });
    let fired = false;
    sim.clock.setTimeout(() => {
      fired = true;
    }, MAX_TIMER_DELAY_MS);
    await sim.runFor(MAX_TIMER_DELAY_MS - 1);
    expect(fired).toBe(false);
    await sim.runFor(1);
    expect(fired).toBe(true);
  });

  it("rejects a non-function callback with a TypeError", () => {
    const sim = new Simulation({ seed: 1 });
    expect(() => sim.clock.setTimeout(42 as unknown as () => void, 1)).toThrow(TypeError);
  });
});

describe("VirtualClock ordering", () => {
  it("fires same-time timers in creation order, across owners", async () => {
    const sim = new Simulation({ seed: 1 });
    const order: string[] = [];
    const a = sim.clockFor("a");
    const b = sim.clockFor("b");
    a.setTimeout(() => order.push("a1"), 5);
    b.setTimeout(() => order.push("b1"), 5);
    a.setTimeout(() => order.push("a0"), 4);
    a.setTimeout(() => order.push("a2"), 5);
    await sim.runFor(5);
    expect(order).toEqual(["a0", "a1", "b1", "a2"]);
  });

  it("a timer created during a callback fires after the ones already due at that instant", async () => {
    const sim = new Simulation({ seed: 1 });
    const order: string[] = [];
    sim.clock.setTimeout(() => {
      order.push("first");
      sim.clock.setTimeout(() => order.push(`nested@${sim.now()}`), 0);
    }, 1);
    sim.clock.setTimeout(() => order.push("second"), 2);
    await sim.runFor(5);
    expect(order).toEqual(["first", "second", "nested@2"]);
  });

  it("clearTimeout cancels; unknown, foreign and fired handles are ignored", async () => {
    const sim = new Simulation({ seed: 1 });
    const other = new Simulation({ seed: 1 });
    const fired: string[] = [];
    const h1 = sim.clock.setTimeout(() => fired.push("h1"), 1);
    const h2 = sim.clock.setTimeout(() => fired.push("h2"), 2);
    const foreign = other.clock.setTimeout(() => fired.push("foreign"), 1);
    sim.clock.clearTimeout(h2);
    sim.clock.clearTimeout({});
    sim.clock.clearTimeout(42);
    sim.clock.clearTimeout(foreign);
    await sim.runFor(3);
    sim.clock.clearTimeout(h1);
    expect(fired).toEqual(["h1"]);
    expect(other.pendingTimers()).toBe(1);
    expect(sim.pendingTimers()).toBe(0);
  });
});

describe("owned clocks", () => {
  it("count each owner's pending timers until they fire or are cleared", async () => {
    const sim = new Simulation({ seed: 1 });
    const lessor = sim.clockFor("lessor");
    const conn = sim.clockFor("conn");
    expect(sim.clockFor("lessor")).toBe(lessor);
    const h = lessor.setTimeout(() => {}, 10);
    lessor.setTimeout(() => {}, 5);
    conn.setTimeout(() => {}, 20);
    expect(lessor.pendingTimers()).toBe(2);
    expect(sim.pendingTimers("lessor")).toBe(2);
    expect(sim.pendingTimers()).toBe(3);
    expect(sim.timerOwners()).toEqual(["conn", "lessor"]);
    lessor.clearTimeout(h);
    lessor.clearTimeout(h);
    expect(lessor.pendingTimers()).toBe(1);
    await sim.runFor(5);
    expect(lessor.pendingTimers()).toBe(0);
    expect(sim.timerOwners()).toEqual(["conn"]);
    expect(sim.pendingTimers("nobody")).toBe(0);
    await sim.runFor(20);
    expect(sim.timerOwners()).toEqual([]);
  });

  it("keeps methods bound and shares virtual time", async () => {
    const sim = new Simulation({ seed: 1 });
    const { now, setTimeout } = sim.clockFor("x");
    let seen = -1;
    setTimeout(() => {
      seen = now();
    }, 3);
    await sim.runFor(4);
    expect(seen).toBe(3);
    expect(sim.clock.now()).toBe(4);
  });

  it("stays correct when many timers are cleared (heap compaction)", async () => {
    const sim = new Simulation({ seed: 1 });
    const fired: number[] = [];
    const handles = [];
    for (let i = 0; i < 5000; i++)
      handles.push(sim.clock.setTimeout(() => fired.push(i), 1 + (i % 97)));
    for (let i = 0; i < 5000; i++) if (i % 10 !== 0) sim.clock.clearTimeout(handles[i] as object);
    expect(sim.pendingTimers()).toBe(500);
    await sim.runFor(100);
    const expected = Array.from({ length: 500 }, (_, k) => k * 10).sort(
      (x, y) => 1 + (x % 97) - (1 + (y % 97)) || x - y,
    );
    expect(fired).toEqual(expected);
  });
});
