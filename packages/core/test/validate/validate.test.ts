import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  describeValue,
  MAX_TIMER_DELAY_MS,
  requireBigint,
  requireBoolean,
  requireFiniteDuration,
  requireFiniteNumber,
  requireFunction,
  requireInteger,
  requireObject,
  requireOneOf,
  requireSignal,
  requireString,
} from "../../src/validate.js";

const SETTINGS = { seed: 42, numRuns: 500 } as const;
const nonNumber = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.bigInt(),
  fc.constant(null),
  fc.constant(undefined),
  fc.object(),
);

describe("requireInteger", () => {
  it("returns valid integers unchanged", () => {
    expect(requireInteger("n", 0)).toBe(0);
    expect(requireInteger("n", 5, { min: 5, max: 5 })).toBe(5);
  });

  it("rejects NaN, ±Infinity, fractions and unsafe integers with RangeError", () => {
    for (const v of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0.5,
      2 ** 53,
    ]) {
      expect(() => requireInteger("n", v)).toThrow(RangeError);
    }
  });

  it("rejects out-of-range values with RangeError naming the option and the value", () => {
    expect(() => requireInteger("capacity", -1, { min: 0 })).toThrow(
      new RangeError('"capacity" must be an integer >= 0, got -1'),
    );
    expect(() => requireInteger("n", 11, { min: 0, max: 10 })).toThrow(/>= 0 and <= 10, got 11/);
  });

  it("rejects every non-number with TypeError", () => {
    fc.assert(
      fc.property(nonNumber, (v) => {
        expect(() => requireInteger("n", v)).toThrow(TypeError);
        expect(() => requireFiniteNumber("n", v)).toThrow(TypeError);
        expect(() => requireFiniteDuration("n", v)).toThrow(TypeError);
      }),
      SETTINGS,
    );
  });

  it("accepts exactly the safe integers in range", () => {
    fc.assert(
      fc.property(fc.double(), fc.integer({ min: -100, max: 100 }), (v, min) => {
        const ok = Number.isSafeInteger(v) && v >= min;
        if (ok) expect(requireInteger("n", v, { min })).toBe(v);
        else expect(() => requireInteger("n", v, { min })).toThrow(RangeError);
      }),
      SETTINGS,
    );
  });
});

describe("requireFiniteNumber / requireFiniteDuration", () => {
  it("accepts exactly finite numbers in range", () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        const ok = Number.isFinite(v) && v >= 0 && v <= MAX_TIMER_DELAY_MS;
        if (ok) expect(requireFiniteDuration("ms", v)).toBe(v);
        else expect(() => requireFiniteDuration("ms", v)).toThrow(RangeError);
      }),
      SETTINGS,
    );
  });

  it("names the option, the rule and the value", () => {
    expect(() => requireFiniteDuration("ttlMs", Number.NaN)).toThrow(
      new RangeError(`"ttlMs" must be a finite number >= 0 and <= ${MAX_TIMER_DELAY_MS}, got NaN`),
    );
    expect(() => requireFiniteNumber("x", 3, { max: 2 })).toThrow(
      /"x" must be a finite number <= 2, got 3/,
    );
    expect(requireFiniteDuration("ms", 5, { min: 5, max: 6 })).toBe(5);
    expect(() => requireFiniteDuration("ms", 1, { min: 5 })).toThrow(RangeError);
  });
});

describe("other helpers", () => {
  it("requireBigint checks type and range", () => {
    expect(requireBigint("id", 5n, { min: 1n })).toBe(5n);
    expect(() => requireBigint("id", 5, { min: 1n })).toThrow(TypeError);
    expect(() => requireBigint("id", 0n, { min: 1n })).toThrow(
      new RangeError('"id" must be a bigint >= 1, got 0n'),
    );
    expect(() => requireBigint("id", 2n ** 64n, { max: 2n ** 63n - 1n })).toThrow(RangeError);
  });

  it("requireFunction, requireString, requireBoolean, requireOneOf", () => {
    const f = (): number => 1;
    expect(requireFunction("f", f)).toBe(f);
    expect(() => requireFunction("f", {})).toThrow(
      new TypeError('"f" must be a function, got an object'),
    );
    expect(requireString("s", "")).toBe("");
    expect(() => requireString("s", "", { nonEmpty: true })).toThrow(RangeError);
    expect(() => requireString("s", 1)).toThrow(TypeError);
    expect(requireBoolean("b", false)).toBe(false);
    expect(() => requireBoolean("b", 0)).toThrow(TypeError);
    expect(requireOneOf("mode", "a", ["a", "b"] as const)).toBe("a");
    expect(() => requireOneOf("mode", "c", ["a", "b"])).toThrow(
      new TypeError('"mode" must be one of "a", "b", got "c"'),
    );
  });

  it("requireSignal and requireObject honour `optional`", () => {
    const signal = new AbortController().signal;
    expect(requireSignal("signal", signal)).toBe(signal);
    expect(requireSignal("signal", undefined, { optional: true })).toBeUndefined();
    expect(() => requireSignal("signal", undefined)).toThrow(TypeError);
    expect(() => requireSignal("signal", { aborted: false })).toThrow(TypeError);
    expect(requireObject("options", undefined, { optional: true })).toBeUndefined();
    expect(() => requireObject("options", null)).toThrow(
      new TypeError('"options" must be an object, got null'),
    );
  });

  it("describeValue renders every kind of value without throwing", () => {
    expect(describeValue("x")).toBe('"x"');
    expect(describeValue(3n)).toBe("3n");
    expect(describeValue(Symbol("s"))).toBe("Symbol(s)");
    expect(describeValue([])).toBe("an array");
    expect(describeValue(Object.create(null))).toBe("an object");
    fc.assert(
      fc.property(fc.anything(), (v) => {
        expect(typeof describeValue(v)).toBe("string");
      }),
      SETTINGS,
    );
  });
});
