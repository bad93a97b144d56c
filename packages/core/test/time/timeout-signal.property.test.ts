import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isTimeoutError } from "../../src/time/abort.js";
import { sleep } from "../../src/time/sleep.js";
import { timeoutSignal } from "../../src/time/timeout-signal.js";
import { flushMicrotasks, ManualClock, trackAbortListeners } from "./manual-clock.js";

/**
 * Random schedules of "timeout after ms", "parent aborts at p" and "clear() at c" (virtual time)
 * against the obvious model: the earliest event wins, and afterwards nothing is held.
 */
describe("timeoutSignal / sleep properties", () => {
  const time = fc.integer({ min: 0, max: 200 });
  const maybeTime = fc.option(time, { nil: undefined });

  it("the earliest of timeout / parent abort / clear decides, and nothing leaks", async () => {
    await fc.assert(
      fc.asyncProperty(time, maybeTime, maybeTime, async (ms, parentAt, clearAt) => {
        const clock = new ManualClock();
        const parent = new AbortController();
        const listeners = trackAbortListeners(parent.signal);
        const t = timeoutSignal(clock, ms, parent.signal);
        const fireAt = Math.max(ms, 1); // Node's rule: a 0 ms timer fires after 1 ms
        const parentReason = new Error("parent");
        // Advancing to instant t fires the timers due at t first; then clear, then parent abort.
        for (let now = 0; now <= 201; now++) {
          if (clearAt === now) t.clear();
          if (parentAt === now) parent.abort(parentReason);
          await clock.advance(now === 201 ? 0 : 1);
        }
        const candidates: Array<[number, string]> = [[fireAt, "timeout"]];
        if (clearAt !== undefined) candidates.push([clearAt, "clear"]);
        if (parentAt !== undefined) candidates.push([parentAt, "parent"]);
        // Stable sort keeps the same-instant order timeout < clear < parent.
        candidates.sort((a, b) => a[0] - b[0]);
        const winner = candidates[0]?.[1];
        if (winner === "clear") expect(t.signal.aborted).toBe(false);
        if (winner === "parent") expect(t.signal.reason).toBe(parentReason);
        if (winner === "timeout") expect(isTimeoutError(t.signal.reason)).toBe(true);
        expect(clock.pendingTimers()).toBe(0);
        expect(listeners.count()).toBe(0);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("sleep settles exactly once, by timer or abort, and leaves nothing behind", async () => {
    await fc.assert(
      fc.asyncProperty(time, maybeTime, async (ms, abortAt) => {
        const clock = new ManualClock();
        const controller = new AbortController();
        const listeners = trackAbortListeners(controller.signal);
        let outcome: string | undefined;
        let settlements = 0;
        sleep(clock, ms, controller.signal).then(
          () => {
            outcome = `resolved@${clock.now()}`;
            settlements += 1;
          },
          () => {
            outcome = `aborted@${clock.now()}`;
            settlements += 1;
          },
        );
        for (let now = 0; now <= 201; now++) {
          if (abortAt === now) controller.abort();
          await flushMicrotasks();
          await clock.advance(now === 201 ? 0 : 1);
        }
        const fireAt = Math.max(ms, 1);
        const expected =
          abortAt !== undefined && abortAt < fireAt ? `aborted@${abortAt}` : `resolved@${fireAt}`;
        expect(outcome).toBe(expected);
        expect(settlements).toBe(1);
        expect(clock.pendingTimers()).toBe(0);
        expect(listeners.count()).toBe(0);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
