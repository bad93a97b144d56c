import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../src/time/system-clock.js";
import { normalizeTimerDelay } from "../../src/time/timer-delay.js";

describe("normalizeTimerDelay (Node's rule)", () => {
  it.each([
    [Number.NaN, 1],
    [-5, 1],
    [0, 1],
    [0.5, 1],
    [1, 1],
    [1.5, 1.5],
    [1000, 1000],
    [2 ** 31 - 1, 2 ** 31 - 1],
    [2 ** 31, 1],
    [Number.POSITIVE_INFINITY, 1],
    [Number.NEGATIVE_INFINITY, 1],
  ])("%s ms -> %s ms", (input, expected) => {
    expect(normalizeTimerDelay(input)).toBe(expected);
  });
});

// systemClock is the one real-time implementation; vitest's fake timers stand in for Node's so
// the test never waits on the wall clock.
describe("systemClock", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fires after the delay and can be cleared", () => {
    const fired: string[] = [];
    systemClock.setTimeout(() => fired.push("a"), 100);
    const b = systemClock.setTimeout(() => fired.push("b"), 50);
    systemClock.clearTimeout(b);
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["a"]);
  });

  it.each([Number.NaN, -10, 2 ** 31])("treats a delay of %s as 1 ms", (ms) => {
    const fired: number[] = [];
    systemClock.setTimeout(() => fired.push(ms), ms);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([ms]);
  });

  it("reads monotonic time from performance.now()", () => {
    const t0 = systemClock.now();
    vi.advanceTimersByTime(250);
    expect(systemClock.now() - t0).toBe(250);
  });

  it("ignores clearing a foreign handle", () => {
    expect(() => systemClock.clearTimeout({})).not.toThrow();
  });
});
