import { describe, expect, it } from "vitest";
import { fuzzRefreshParsers } from "../../../src/suites/refresh/parser-fuzz.js";

describe("refresh parser fuzzing (small fixed-seed run; the bench runs 100 000 inputs each)", () => {
  it("gives a value or the typed error for every input, and reaches both outcomes", () => {
    const rows = fuzzRefreshParsers(42, 500);
    expect(rows.map((r) => r.parser)).toEqual([
      "parseCacheControl",
      "parseHttpDate",
      "remainingFreshnessMs",
      "parseJwks",
    ]);
    for (const row of rows) {
      expect(row.values + row.typedErrors, row.parser).toBe(500);
      // A fuzzer that only ever hits one branch tests nothing; remainingFreshnessMs never throws.
      expect(row.values, row.parser).toBeGreaterThan(0);
      if (row.parser !== "remainingFreshnessMs")
        expect(row.typedErrors, row.parser).toBeGreaterThan(0);
    }
  });
});
