import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Queue } from "../../src/sync/queue.js";

describe("Queue", () => {
  it("is FIFO and reports its size", () => {
    const q = new Queue<string>();
    expect(q.shift()).toBeUndefined();
    q.push("a");
    q.push("b");
    expect(q.size).toBe(2);
    expect(q.shift()).toBe("a");
    q.clear();
    expect(q.size).toBe(0);
    expect(q.shift()).toBeUndefined();
  });

  it("matches an array model across compactions (long runs of push/shift)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 3000 })), { maxLength: 12 }),
        (bursts) => {
          // The model: items are 0, 1, 2… so the queue holds exactly [head, tail).
          const q = new Queue<number>();
          const got: Array<number | undefined> = [];
          const want: Array<number | undefined> = [];
          let head = 0;
          let tail = 0;
          for (const [push, count] of bursts) {
            for (let i = 0; i < count; i++) {
              if (push) q.push(tail++);
              else {
                got.push(q.shift());
                want.push(head < tail ? head++ : undefined);
              }
            }
            if (q.size !== tail - head) expect(q.size).toBe(tail - head);
          }
          while (head < tail) {
            got.push(q.shift());
            want.push(head++);
          }
          expect(got).toEqual(want);
          expect(q.size).toBe(0);
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });
});
