import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MinHeap } from "../../src/lease/min-heap.js";

describe("MinHeap", () => {
  it("pops in key order (stable enough for equal keys to all come out)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 })), (keys) => {
        const heap = new MinHeap<number>();
        for (const [i, k] of keys.entries()) heap.push(k, i);
        const out: number[] = [];
        while (heap.size > 0) {
          const k = heap.peekKey();
          const v = heap.pop();
          expect(v).toBeDefined();
          expect(keys[v as number]).toBe(k);
          out.push(k as number);
        }
        expect(out).toEqual([...keys].sort((a, b) => a - b));
        expect(heap.pop()).toBeUndefined();
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
