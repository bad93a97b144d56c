import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { drawUnit, randomBetween, randomInt } from "../../src/random/draw.js";
import type { Random } from "../../src/random/random.js";
import { systemRandom } from "../../src/random/system-random.js";

const constant = (value: number): Random => ({ next: () => value });
const drawArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const SETTINGS = { seed: 42, numRuns: 1000 } as const;

describe("systemRandom", () => {
  it("returns numbers in [0, 1)", () => {
    for (let i = 0; i < 1000; i++) {
      const value = systemRandom.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe("drawUnit", () => {
  it.each([1, -0.1, Number.NaN, 2, Number.POSITIVE_INFINITY])(
    "rejects a Random returning %s",
    (v) => {
      expect(() => drawUnit(constant(v))).toThrow(RangeError);
    },
  );
  it("rejects a non-number draw", () => {
    expect(() => drawUnit({ next: () => "0.5" as unknown as number })).toThrow(RangeError);
  });
});

describe("randomInt", () => {
  it("maps the draw onto [min, maxExclusive)", () => {
    expect(randomInt(constant(0), 3, 7)).toBe(3);
    expect(randomInt(constant(0.999999), 3, 7)).toBe(6);
    expect(randomInt(constant(0.5), -10, 10)).toBe(0);
    expect(randomInt(constant(0.5), 5, 6)).toBe(5);
  });

  it("stays within bounds for every draw and range", () => {
    fc.assert(
      fc.property(
        drawArb,
        fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
        fc.integer({ min: 1, max: 2 ** 52 }),
        (draw, min, width) => {
          const value = randomInt(constant(draw), min, min + width);
          expect(Number.isInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(min);
          expect(value).toBeLessThan(min + width);
        },
      ),
      SETTINGS,
    );
  });

  it.each([
    [0, 0, RangeError],
    [5, 3, RangeError],
    [0.5, 3, RangeError],
    [0, Number.POSITIVE_INFINITY, RangeError],
    [Number.NaN, 3, RangeError],
    ["0", 3, TypeError],
  ])("rejects bounds (%s, %s)", (min, max, type) => {
    expect(() => randomInt(constant(0), min as number, max)).toThrow(type);
  });
});

describe("randomBetween", () => {
  it("stays within [min, max) (or is min when min === max)", () => {
    fc.assert(
      fc.property(
        drawArb,
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        (draw, min, width) => {
          const max = min + width;
          const value = randomBetween(constant(draw), min, max);
          expect(value).toBeGreaterThanOrEqual(min);
          if (min === max) expect(value).toBe(min);
          else expect(value).toBeLessThan(max);
        },
      ),
      SETTINGS,
    );
  });

  it("rejects NaN, infinite or inverted bounds", () => {
    expect(() => randomBetween(constant(0), 2, 1)).toThrow(RangeError);
    expect(() => randomBetween(constant(0), Number.NaN, 1)).toThrow(RangeError);
    expect(() => randomBetween(constant(0), 0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
