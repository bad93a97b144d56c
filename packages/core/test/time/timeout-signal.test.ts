import { describe, expect, it } from "vitest";
import { isTimeoutError } from "../../src/time/abort.js";
import { deadlineSignal, timeoutSignal } from "../../src/time/timeout-signal.js";
import { ManualClock, trackAbortListeners } from "./manual-clock.js";

describe("timeoutSignal", () => {
  it("aborts with a TimeoutError DOMException after ms and leaves no timer", async () => {
    const clock = new ManualClock();
    const t = timeoutSignal(clock, 50);
    await clock.advance(49);
    expect(t.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(t.signal.aborted).toBe(true);
    expect(t.signal.reason).toBeInstanceOf(DOMException);
    expect((t.signal.reason as DOMException).name).toBe("TimeoutError");
    expect(isTimeoutError(t.signal.reason)).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("forwards the parent's reason, then owns neither timer nor parent listener", () => {
    const clock = new ManualClock();
    const parent = new AbortController();
    const listeners = trackAbortListeners(parent.signal);
    const t = timeoutSignal(clock, 1000, parent.signal);
    expect(clock.pendingTimers()).toBe(1);
    expect(listeners.count()).toBe(1);
    const reason = new Error("parent gone");
    parent.abort(reason);
    expect(t.signal.aborted).toBe(true);
    expect(t.signal.reason).toBe(reason);
    expect(clock.pendingTimers()).toBe(0);
    expect(listeners.count()).toBe(0);
  });

  it("removes the parent listener when the timeout fires", async () => {
    const clock = new ManualClock();
    const parent = new AbortController();
    const listeners = trackAbortListeners(parent.signal);
    const t = timeoutSignal(clock, 5, parent.signal);
    await clock.advance(5);
    expect(isTimeoutError(t.signal.reason)).toBe(true);
    expect(listeners.count()).toBe(0);
    parent.abort(new Error("late"));
    expect(isTimeoutError(t.signal.reason)).toBe(true);
  });

  it("clear() and dispose remove the timer and the listener; the signal then never aborts", async () => {
    const clock = new ManualClock();
    const parent = new AbortController();
    const listeners = trackAbortListeners(parent.signal);
    let signal: AbortSignal;
    {
      using t = timeoutSignal(clock, 5, parent.signal);
      signal = t.signal;
      expect(clock.pendingTimers()).toBe(1);
    }
    expect(clock.pendingTimers()).toBe(0);
    expect(listeners.count()).toBe(0);
    parent.abort(new Error("after clear"));
    await clock.advance(10);
    expect(signal.aborted).toBe(false);

    const t2 = timeoutSignal(clock, 5);
    t2.clear();
    t2.clear();
    expect(clock.pendingTimers()).toBe(0);
  });

  it("an already aborted parent aborts the signal at once, without a timer", () => {
    const clock = new ManualClock();
    const reason = new Error("already");
    const t = timeoutSignal(clock, 5, AbortSignal.abort(reason));
    expect(t.signal.reason).toBe(reason);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("validates its arguments up front", () => {
    const clock = new ManualClock();
    expect(() => timeoutSignal(clock, Number.NaN)).toThrow(RangeError);
    expect(() => timeoutSignal(clock, -5)).toThrow(RangeError);
    expect(() => timeoutSignal(clock, 1, "x" as unknown as AbortSignal)).toThrow(TypeError);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe("deadlineSignal", () => {
  it("aborts with a TimeoutError when the clock reaches the deadline", async () => {
    const clock = new ManualClock();
    await clock.advance(1000);
    const t = deadlineSignal(clock, 21_000);
    await clock.advance(19_999);
    expect(t.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(isTimeoutError(t.signal.reason)).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("a past deadline aborts after one timer turn, not synchronously", async () => {
    const clock = new ManualClock();
    await clock.advance(50);
    const t = deadlineSignal(clock, 10);
    expect(t.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(t.signal.aborted).toBe(true);
  });

  it("forwards the parent and validates the deadline", () => {
    const clock = new ManualClock();
    const parent = new AbortController();
    const t = deadlineSignal(clock, 100, parent.signal);
    parent.abort("p");
    expect(t.signal.reason).toBe("p");
    expect(clock.pendingTimers()).toBe(0);
    expect(() => deadlineSignal(clock, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
