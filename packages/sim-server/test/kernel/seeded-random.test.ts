import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashName, Sfc32Random, Simulation } from "../../src/index.js";

function draws(random: { next(): number }, n: number): number[] {
  return Array.from({ length: n }, () => random.next());
}

describe("Sfc32Random", () => {
  it("is a pure function of its seed, and different seeds differ", () => {
    expect(draws(new Sfc32Random(7), 20)).toEqual(draws(new Sfc32Random(7), 20));
    expect(draws(new Sfc32Random(7), 20)).not.toEqual(draws(new Sfc32Random(8), 20));
  });

  it("pins the first outputs of seed 42 and the fork hash (cross-machine replay depends on them)", () => {
    const random = new Sfc32Random(42);
    expect([random.nextUint32(), random.nextUint32(), random.nextUint32()]).toEqual([
      2476999517, 2284424721, 914527439,
    ]);
    expect(hashName(42, "net")).toBe(2379071211);
    expect(new Sfc32Random(42).fork("net").seed).toBe(2379071211);
    expect(hashName(1, "net")).not.toBe(hashName(2, "net"));
    expect(hashName(1, "net")).not.toBe(hashName(1, "neu"));
  });

  it("fork(name) does not depend on how many numbers the parent drew", () => {
    const fresh = new Sfc32Random(99);
    const used = new Sfc32Random(99);
    draws(used, 1000);
    expect(draws(used.fork("lessor"), 10)).toEqual(draws(fresh.fork("lessor"), 10));
    expect(draws(fresh.fork("lessor"), 10)).not.toEqual(draws(fresh.fork("conn"), 10));
    expect(draws(new Sfc32Random(98).fork("lessor"), 10)).not.toEqual(
      draws(fresh.fork("lessor"), 10),
    );
  });

  it("drawing from one fork never shifts another fork", () => {
    const sim1 = new Simulation({ seed: 5 });
    const sim2 = new Simulation({ seed: 5 });
    const a1 = sim1.randomFor("a");
    const b1 = sim1.randomFor("b");
    const b2 = sim2.randomFor("b");
    draws(a1, 500);
    expect(draws(b1, 10)).toEqual(draws(b2, 10));
  });

  it("int, between and chance stay in range (property, seed 42)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        (seed, min, span) => {
          const random = new Sfc32Random(seed);
          for (let i = 0; i < 50; i++) {
            const n = random.int(min, min + span);
            if (!Number.isInteger(n) || n < min || n >= min + span) return false;
            const x = random.between(min, min + span);
            if (x < min || x >= min + span) return false;
            const u = random.next();
            if (u < 0 || u >= 1) return false;
          }
          return random.chance(1) && !random.chance(0);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("is roughly uniform (chi-square over 16 buckets)", () => {
    const random = new Sfc32Random(1234);
    const buckets = new Array<number>(16).fill(0);
    const n = 64_000;
    for (let i = 0; i < n; i++) {
      const k = random.int(0, 16);
      buckets[k] = (buckets[k] ?? 0) + 1;
    }
    const expected = n / 16;
    const chi2 = buckets.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    // 15 degrees of freedom: p = 0.001 at 37.7.
    expect(chi2).toBeLessThan(37.7);
  });

  it("validates arguments", () => {
    const random = new Sfc32Random(1);
    expect(() => random.int(5, 5)).toThrow(RangeError);
    expect(() => random.int(0.5, 3)).toThrow(RangeError);
    expect(() => random.between(2, 1)).toThrow(RangeError);
    expect(() => random.chance(1.5)).toThrow(RangeError);
    expect(() => random.chance(Number.NaN)).toThrow(RangeError);
    expect(() => new Sfc32Random(1.5)).toThrow(RangeError);
    expect(() => random.fork(3 as unknown as string)).toThrow(TypeError);
  });
});
