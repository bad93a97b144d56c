import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Random } from "../../src/random/random.js";
import {
  BACKOFF_JITTER,
  BACKOFF_MULTIPLIER,
  backoffDelay,
  baseBackoff,
  connectDeadline,
  ExponentialBackoff,
  INITIAL_BACKOFF_MS,
  MAX_BACKOFF_MS,
  MIN_CONNECT_TIMEOUT_MS,
  resolveBackoffOptions,
} from "../../src/retry/backoff.js";

const SETTINGS = { seed: 42, numRuns: 1000 } as const;
const drawArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

function fixed(...draws: number[]): Random {
  let i = 0;
  return { next: () => draws[i++ % draws.length] ?? 0 };
}

describe("gRPC backoff constants", () => {
  it("match the connection-backoff spec", () => {
    expect(INITIAL_BACKOFF_MS).toBe(1000);
    expect(BACKOFF_MULTIPLIER).toBe(1.6);
    expect(BACKOFF_JITTER).toBe(0.2);
    expect(MAX_BACKOFF_MS).toBe(120_000);
    expect(MIN_CONNECT_TIMEOUT_MS).toBe(20_000);
  });
});

describe("baseBackoff", () => {
  it("grows by 1.6 from 1 s and caps at 120 s", () => {
    expect(baseBackoff(0)).toBe(1000);
    expect(baseBackoff(1)).toBeCloseTo(1600, 9);
    expect(baseBackoff(2)).toBeCloseTo(2560, 9);
    expect(baseBackoff(10)).toBeCloseTo(1000 * 1.6 ** 10, 6);
    expect(baseBackoff(11)).toBe(MAX_BACKOFF_MS); // 1.6^11 s ≈ 176 s > 120 s
    expect(baseBackoff(5000)).toBe(MAX_BACKOFF_MS); // 1.6^5000 overflows to Infinity
  });
});

describe("backoffDelay", () => {
  it("maps draw 0 to 0.8·b_k, 0.5 to b_k, and approaches 1.2·b_k", () => {
    expect(backoffDelay(0, 0)).toBeCloseTo(800, 9);
    expect(backoffDelay(0, 0.5)).toBe(1000);
    expect(backoffDelay(3, 0.5)).toBeCloseTo(4096, 9);
    expect(backoffDelay(20, 1 - 2 ** -53)).toBeCloseTo(144_000, 6);
  });

  it("stays in [0.8·b_k, 1.2·b_k], hence ≤ 1.2·MAX, for every attempt and draw", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), drawArb, (attempt, draw) => {
        const b = Math.min(1000 * 1.6 ** attempt, 120_000);
        const d = backoffDelay(attempt, draw);
        expect(d).toBeGreaterThanOrEqual(0.8 * b * (1 - 1e-12));
        expect(d).toBeLessThanOrEqual(1.2 * b);
        expect(d).toBeLessThanOrEqual(1.2 * MAX_BACKOFF_MS);
        expect(d).toBeGreaterThan(0);
      }),
      SETTINGS,
    );
  });

  it("respects custom options within [(1−j)·b_k, (1+j)·b_k] and the cap (1+j)·maxMs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        drawArb,
        fc.double({ min: 1, max: 10_000, noNaN: true }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (attempt, draw, initialMs, multiplier, jitter, extra) => {
          const options = { initialMs, multiplier, jitter, maxMs: initialMs + extra };
          const b = baseBackoff(attempt, options);
          const d = backoffDelay(attempt, draw, options);
          const eps = 1e-9 * b;
          expect(b).toBeLessThanOrEqual(options.maxMs);
          expect(d).toBeGreaterThanOrEqual((1 - jitter) * b - eps);
          expect(d).toBeLessThanOrEqual((1 + jitter) * b + eps);
          expect(d).toBeLessThanOrEqual((1 + jitter) * options.maxMs + eps);
        },
      ),
      SETTINGS,
    );
  });

  it("is monotone in the draw and (un-jittered) in the attempt", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), drawArb, drawArb, (attempt, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(backoffDelay(attempt, lo)).toBeLessThanOrEqual(backoffDelay(attempt, hi));
        expect(baseBackoff(attempt)).toBeLessThanOrEqual(baseBackoff(attempt + 1));
      }),
      SETTINGS,
    );
  });

  it.each([
    [-1, 0.5, RangeError],
    [1.5, 0.5, RangeError],
    [Number.NaN, 0.5, RangeError],
    ["1", 0.5, TypeError],
    [0, 1, RangeError],
    [0, -0.1, RangeError],
    [0, Number.NaN, RangeError],
    [0, Number.POSITIVE_INFINITY, RangeError],
  ])("rejects attempt %s / draw %s", (attempt, draw, type) => {
    expect(() => backoffDelay(attempt as number, draw)).toThrow(type);
  });
});

describe("resolveBackoffOptions", () => {
  it("fills the gRPC defaults", () => {
    expect(resolveBackoffOptions()).toEqual({
      initialMs: 1000,
      multiplier: 1.6,
      jitter: 0.2,
      maxMs: 120_000,
    });
  });

  it.each([
    [{ initialMs: 0 }, RangeError],
    [{ initialMs: -1 }, RangeError],
    [{ initialMs: Number.POSITIVE_INFINITY }, RangeError],
    [{ initialMs: Number.NaN }, RangeError],
    [{ multiplier: 0.9 }, RangeError],
    [{ multiplier: Number.NaN }, RangeError],
    [{ jitter: 1 }, RangeError],
    [{ jitter: -0.1 }, RangeError],
    [{ maxMs: 500 }, RangeError],
    [{ maxMs: Number.POSITIVE_INFINITY }, RangeError],
    [{ multiplier: "2" }, TypeError],
    [null, TypeError],
  ])("rejects %o", (options, type) => {
    expect(() => resolveBackoffOptions(options as never)).toThrow(type);
    expect(() => new ExponentialBackoff(options as never)).toThrow(type);
  });

  it("names the option in the message", () => {
    expect(() => resolveBackoffOptions({ jitter: 2 })).toThrow(/"jitter"/);
    expect(() => resolveBackoffOptions({ multiplier: 0 })).toThrow(/"multiplier"/);
  });
});

describe("connectDeadline", () => {
  it("is now + max(backoff, 20 s)", () => {
    expect(connectDeadline(5000, 1000)).toBe(25_000);
    expect(connectDeadline(5000, 30_000)).toBe(35_000);
    expect(connectDeadline(0, 20_000)).toBe(20_000);
    expect(connectDeadline(10, 5, 0)).toBe(15);
  });

  it("rejects invalid inputs", () => {
    expect(() => connectDeadline(Number.NaN, 1)).toThrow(RangeError);
    expect(() => connectDeadline(0, -1)).toThrow(RangeError);
    expect(() => connectDeadline(0, 1, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("ExponentialBackoff", () => {
  it("counts attempts, draws once per delay and resets", () => {
    const backoff = new ExponentialBackoff();
    const random = fixed(0.5);
    expect(backoff.attempt).toBe(0);
    expect(backoff.next(random)).toBe(1000);
    expect(backoff.next(random)).toBeCloseTo(1600, 9);
    expect(backoff.next(random)).toBeCloseTo(2560, 9);
    expect(backoff.attempt).toBe(3);
    backoff.reset();
    expect(backoff.attempt).toBe(0);
    expect(backoff.next(random)).toBe(1000);
  });

  it("follows backoffDelay for any sequence of draws", () => {
    fc.assert(
      fc.property(fc.array(drawArb, { minLength: 1, maxLength: 40 }), (draws) => {
        const backoff = new ExponentialBackoff();
        const random = fixed(...draws);
        draws.forEach((draw, k) => {
          expect(backoff.next(random)).toBe(backoffDelay(k, draw));
        });
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("rejects a Random that breaks its [0, 1) contract", () => {
    const backoff = new ExponentialBackoff();
    expect(() => backoff.next(fixed(1))).toThrow(RangeError);
    expect(() => backoff.next({ next: () => Number.NaN })).toThrow(RangeError);
    expect(backoff.attempt).toBe(0);
  });

  it("exposes its resolved options", () => {
    expect(new ExponentialBackoff({ jitter: 0 }).options.jitter).toBe(0);
  });
});
