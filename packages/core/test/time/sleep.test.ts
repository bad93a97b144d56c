import { describe, expect, it } from "vitest";
import { sleep, sleepUntil } from "../../src/time/sleep.js";
import { ManualClock, trackAbortListeners } from "./manual-clock.js";

describe("sleep", () => {
  it("resolves only once the clock has advanced by ms, and leaves no timer", async () => {
    const clock = new ManualClock();
    let done = false;
    const p = sleep(clock, 100).then(() => {
      done = true;
    });
    expect(clock.pendingTimers()).toBe(1);
    await clock.advance(99);
    expect(done).toBe(false);
    await clock.advance(1);
    await p;
    expect(done).toBe(true);
    expect(clock.now()).toBe(100);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("rejects with signal.reason on abort, clearing its timer and its listener", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const listeners = trackAbortListeners(controller.signal);
    const p = sleep(clock, 1000, controller.signal);
    expect(listeners.count()).toBe(1);
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(clock.pendingTimers()).toBe(0);
    expect(listeners.count()).toBe(0);
  });

  it("removes its abort listener when the timer fires", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const listeners = trackAbortListeners(controller.signal);
    const p = sleep(clock, 10, controller.signal);
    await clock.advance(10);
    await p;
    expect(listeners.count()).toBe(0);
    // A late abort must not change anything (the promise is already settled).
    controller.abort(new Error("late"));
    expect(clock.pendingTimers()).toBe(0);
  });

  it("rejects at once for an already aborted signal without creating a timer", async () => {
    const clock = new ManualClock();
    const reason = new Error("already");
    await expect(sleep(clock, 10, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("uses a 1 ms timer for ms = 0, as setTimeout does", async () => {
    const clock = new ManualClock();
    const p = sleep(clock, 0);
    expect(clock.delays).toEqual([1]);
    await clock.advance(1);
    await expect(p).resolves.toBeUndefined();
  });

  it.each([
    [Number.NaN, RangeError],
    [-1, RangeError],
    [Number.POSITIVE_INFINITY, RangeError],
    [2 ** 31, RangeError],
    ["10", TypeError],
  ])("throws synchronously for ms = %s", (ms, type) => {
    const clock = new ManualClock();
    expect(() => sleep(clock, ms as number)).toThrow(type);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("throws a TypeError for a signal that is not an AbortSignal", () => {
    expect(() => sleep(new ManualClock(), 1, {} as AbortSignal)).toThrow(TypeError);
  });
});

describe("sleepUntil", () => {
  it("resolves when the clock reaches the deadline", async () => {
    const clock = new ManualClock();
    await clock.advance(40);
    let done = false;
    const p = sleepUntil(clock, 100).then(() => {
      done = true;
    });
    expect(clock.delays).toEqual([60]);
    await clock.advance(59);
    expect(done).toBe(false);
    await clock.advance(1);
    await p;
    expect(done).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("waits one timer turn for a deadline in the past, and validates", async () => {
    const clock = new ManualClock();
    await clock.advance(500);
    const p = sleepUntil(clock, 10);
    expect(clock.delays).toEqual([1]);
    await clock.advance(1);
    await expect(p).resolves.toBeUndefined();
    expect(() => sleepUntil(clock, Number.NaN)).toThrow(RangeError);
    expect(() => sleepUntil(clock, clock.now() + 2 ** 31)).toThrow(RangeError);
  });

  it("rejects with the abort reason and leaves nothing behind", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const p = sleepUntil(clock, 100, controller.signal);
    controller.abort("why");
    await expect(p).rejects.toBe("why");
    expect(clock.pendingTimers()).toBe(0);
  });
});
