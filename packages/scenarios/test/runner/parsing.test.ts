import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { combineDigests } from "../../src/runner/digest.js";
import { parseDuration } from "../../src/runner/duration.js";
import { describeFailure } from "../../src/runner/failure.js";
import { formatReplayCommand } from "../../src/runner/replay-command.js";
import { parseShard, shardRange } from "../../src/runner/shard.js";
import { InvariantViolation } from "../../src/runner/suite.js";

describe("shards", () => {
  it("parses k/n and rejects anything else", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    expect(parseShard("1/1")).toEqual({ index: 1, count: 1 });
    for (const bad of ["0/4", "5/4", "1/0", "a/b", "1", "1/2/3", "-1/2", ""]) {
      expect(() => parseShard(bad), bad).toThrow(RangeError);
    }
  });

  it("splits any run set into contiguous blocks that cover it exactly once", () => {
    fc.assert(
      fc.property(fc.nat({ max: 500 }), fc.integer({ min: 1, max: 40 }), (runs, count) => {
        let next = 0;
        for (let index = 1; index <= count; index += 1) {
          const { start, end } = shardRange(runs, { index, count });
          expect(start).toBe(next);
          expect(end).toBeGreaterThanOrEqual(start);
          // Balanced: block sizes differ by at most one.
          expect(Math.abs(end - start - runs / count)).toBeLessThan(1);
          next = end;
        }
        expect(next).toBe(runs);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("is the whole set without a shard and rejects bad input", () => {
    expect(shardRange(10)).toEqual({ start: 0, end: 10 });
    expect(() => shardRange(-1)).toThrow(RangeError);
    expect(() => shardRange(10, { index: 3, count: 2 })).toThrow(RangeError);
  });
});

describe("parseDuration", () => {
  it("reads ms, s, m and h, and bare numbers as seconds", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("1.5m")).toBe(90_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("10")).toBe(10_000);
  });

  it("rejects malformed and non-positive durations", () => {
    for (const bad of ["", "abc", "10x", "-5s", "0s", "s"]) {
      expect(() => parseDuration(bad), bad).toThrow(RangeError);
    }
  });
});

describe("combineDigests", () => {
  it("depends on every digest and on their order", () => {
    const a = combineDigests(["aa", "bb"]);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(combineDigests(["aa", "bb"])).toBe(a);
    expect(combineDigests(["bb", "aa"])).not.toBe(a);
    expect(combineDigests(["aa"])).not.toBe(a);
    expect(combineDigests([])).not.toBe(combineDigests([""]));
  });
});

describe("describeFailure and formatReplayCommand", () => {
  it("keeps an invariant's name and strips it from the message", () => {
    const violation = new InvariantViolation("x.y", "broke", { at: 3 });
    expect(describeFailure(violation)).toEqual({
      invariant: "x.y",
      message: "broke",
      details: { at: 3 },
    });
    const coded = Object.assign(new Error("stuck"), { code: "STALL" });
    expect(describeFailure(coded).invariant).toBe("unexpected-error:STALL");
    expect(describeFailure("text").invariant).toBe("unexpected-error:non-error");
  });

  it("prefixes DSIM_DEMO=1 for demo suites", () => {
    expect(formatReplayCommand({ suite: "s", seed: 1, path: "2:3" })).toBe(
      'pnpm dsim replay s --seed 1 --path "2:3"',
    );
    expect(formatReplayCommand({ suite: "s", seed: 1, path: "2", demo: true })).toBe(
      'DSIM_DEMO=1 pnpm dsim replay s --seed 1 --path "2"',
    );
  });
});
