import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TimerEntry, type TimerOwner, TimerQueue } from "../../src/kernel/timer-queue.js";

type Op =
  | { readonly type: "push"; readonly at: number; readonly count: number }
  | { readonly type: "cancel"; readonly pick: number; readonly count: number }
  | { readonly type: "pop"; readonly count: number };

// Bulk counts above 1024 reach the queue's compaction and same-instant trimming paths.
const countArb = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constantFrom(1100, 2100));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    type: fc.constant("push" as const),
    at: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.double({ min: 0, max: 12, noNaN: true })),
    count: countArb,
  }),
  fc.record({ type: fc.constant("cancel" as const), pick: fc.nat(), count: countArb }),
  fc.record({ type: fc.constant("pop" as const), count: countArb }),
);

const owner: TimerOwner = { owner: "t", pending: 0 };
const noop = (): void => {};

function byFiringOrder(a: TimerEntry, b: TimerEntry): number {
  return a.at - b.at || a.seq - b.seq;
}

describe("TimerQueue against a sorted reference (fast-check, seed 42)", () => {
  it("pops live entries in (at, seq) order, skips cancelled ones and keeps size and live() exact", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const queue = new TimerQueue();
        let reference: TimerEntry[] = [];
        let seq = 0;
        // Pops never go below the last popped time, like the clock (no timer is due in the past).
        let floor = 0;
        for (const op of ops) {
          if (op.type === "push") {
            for (let i = 0; i < op.count; i++) {
              const entry: TimerEntry = {
                at: Math.max(op.at, floor),
                seq: seq++,
                callback: noop,
                owner,
              };
              queue.push(entry);
              reference.push(entry);
            }
          } else if (op.type === "cancel") {
            for (let i = 0; i < op.count && reference.length > 0; i++) {
              const index = (op.pick + i * 7) % reference.length;
              const [entry] = reference.splice(index, 1);
              if (entry !== undefined) {
                entry.callback = null;
                queue.noteCancelled();
              }
            }
          } else {
            reference.sort(byFiringOrder);
            for (let i = 0; i < op.count; i++) {
              const want = reference.shift();
              expect(queue.peek()).toBe(want);
              const got = queue.pop();
              expect(got).toBe(want);
              if (got === undefined) break;
              got.callback = null;
              floor = got.at;
            }
          }
          expect(queue.size).toBe(reference.length);
        }
        reference = reference.sort(byFiringOrder);
        expect(queue.live()).toEqual(reference);
        queue.clear();
        expect(queue.size).toBe(0);
        expect(queue.pop()).toBeUndefined();
      }),
      { seed: 42, numRuns: 100, verbose: true },
    );
  });

  it("keeps creation order within an instant even when a lower seq arrives late", () => {
    const queue = new TimerQueue();
    const make = (at: number, seq: number): TimerEntry => ({ at, seq, callback: noop, owner });
    const order = [make(5, 2), make(5, 4), make(5, 1), make(3, 3), make(5, 3)];
    for (const entry of order) queue.push(entry);
    const popped: number[] = [];
    for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push(e.seq);
    expect(popped).toEqual([3, 1, 2, 3, 4]);
  });
});
