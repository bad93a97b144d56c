import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SUITE_RUNS, defineSuite, fc as exportedFc } from "../../src/index.js";

const base = {
  name: "my-suite",
  arbitrary: fc.integer(),
  plan: (c: number) => c,
  run: async () => {},
};

describe("defineSuite", () => {
  it("fills the listing fields a user may leave out", () => {
    const suite = defineSuite(base);
    expect(suite.name).toBe("my-suite");
    expect(suite.description).toBe("my-suite");
    expect(suite.defaultRuns).toBe(DEFAULT_SUITE_RUNS);
    expect(suite.plan(7)).toBe(7);
    expect(suite.source).toBeUndefined();
  });

  it("keeps given fields and calls plan and run with the definition as this", async () => {
    const seen: unknown[] = [];
    const definition = {
      ...base,
      description: "d",
      defaultRuns: 3,
      simulation: { traceMessages: true },
      plan(this: unknown, c: number) {
        seen.push(this);
        return c + 1;
      },
    };
    const suite = defineSuite(definition);
    expect([suite.description, suite.defaultRuns, suite.simulation]).toEqual([
      "d",
      3,
      { traceMessages: true },
    ]);
    expect(suite.plan(1)).toBe(2);
    expect(seen).toEqual([definition]);
  });

  it.each([
    [{ name: "My Suite" }, /name must be kebab-case/],
    [{ name: "" }, /name must be kebab-case/],
    [{ defaultRuns: 0 }, /defaultRuns must be a positive integer/],
    [{ defaultRuns: 1.5 }, /defaultRuns must be a positive integer/],
    [{ description: 5 }, /description must be a string/],
    [{ arbitrary: [1, 2] }, /arbitrary must be a fast-check Arbitrary/],
    [{ plan: "c" }, /plan must be a function/],
    [{ run: undefined }, /run must be an async function/],
  ])("rejects %o with a TypeError naming the field", (patch, message) => {
    expect(() => defineSuite({ ...base, ...patch } as never)).toThrow(TypeError);
    expect(() => defineSuite({ ...base, ...patch } as never)).toThrow(message);
  });

  it("re-exports the fast-check the runner uses", () => {
    expect(exportedFc).toBe(fc);
  });
});
