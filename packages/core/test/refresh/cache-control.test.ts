import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isDsimError } from "../../src/errors.js";
import {
  DELTA_SECONDS_MAX,
  parseCacheControl,
  parseDeltaSeconds,
} from "../../src/refresh/cache-control.js";

const headerInvalid = expect.objectContaining({ code: "HEADER_INVALID" }) as unknown as Error;

describe("parseCacheControl", () => {
  it("reads names case-insensitively and token or quoted arguments", () => {
    expect(parseCacheControl("Max-Age=60").maxAge).toBe(60);
    expect(parseCacheControl('public, MAX-AGE="120"').maxAge).toBe(120);
    expect(parseCacheControl("no-cache").noCache).toBe(true);
    expect(parseCacheControl("NO-STORE").noStore).toBe(true);
    expect(parseCacheControl("public").maxAge).toBeUndefined();
  });

  it("does not split on commas inside quoted strings and unescapes quoted pairs", () => {
    const cc = parseCacheControl('private="a, b", max-age=5, ext="x\\"y"');
    expect(cc.maxAge).toBe(5);
    expect(cc.directives.get("private")).toBe("a, b");
    expect(cc.directives.get("ext")).toBe('x"y');
    expect(parseCacheControl('no-cache="set-cookie, x", max-age=9').noCache).toBe(true);
  });

  it("accepts optional whitespace and empty list elements", () => {
    expect(parseCacheControl(" ,\tmax-age=7 ,, public ,").maxAge).toBe(7);
    expect(parseCacheControl("").directives.size).toBe(0);
  });

  it("keeps the first of duplicated directives and records the duplicate", () => {
    const cc = parseCacheControl("public, x=1, X=2");
    expect(cc.directives.get("x")).toBe("1");
    expect([...cc.duplicates]).toEqual(["x"]);
  });

  it("clamps a huge max-age to 2147483648", () => {
    expect(parseCacheControl("max-age=99999999999999999999999").maxAge).toBe(DELTA_SECONDS_MAX);
    expect(parseCacheControl("max-age=000000000000000000001").maxAge).toBe(1);
  });

  it.each([
    "max-age=-1",
    "max-age=1.5",
    "max-age=",
    "max-age",
    'max-age=""',
    "max-age=1e3",
    "max-age=60, max-age=60",
    "max-age=60, max-age=120",
    "max-age = 60",
    'max-age="60',
    "max-age=60 public",
    "max-age=6 0",
    "=60",
    "max age=60",
    "max-age=60;",
    'x="\u0001"',
    'x="a\\',
  ])("rejects %j with HEADER_INVALID", (value) => {
    expect(() => parseCacheControl(value)).toThrow(headerInvalid);
  });

  it("returns a value or throws HEADER_INVALID for any input (fuzz)", () => {
    const piece = fc.oneof(
      fc.constantFrom("max-age", "MAX-AGE", "no-cache", "no-store", "s-maxage", "public", ""),
      fc.constantFrom("=", ",", " ", "\t", '"', "\\", "-", ";"),
      fc.stringMatching(/^[0-9]{0,25}$/),
      fc.string({ maxLength: 4 }),
    );
    const headerLike = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.oneof(headerLike, fc.string({ unit: "binary" })), (value) => {
        try {
          const cc = parseCacheControl(value);
          if (cc.maxAge !== undefined) {
            expect(Number.isInteger(cc.maxAge)).toBe(true);
            expect(cc.maxAge).toBeGreaterThanOrEqual(0);
            expect(cc.maxAge).toBeLessThanOrEqual(DELTA_SECONDS_MAX);
          }
        } catch (error) {
          if (!isDsimError(error, "HEADER_INVALID")) throw error;
        }
      }),
      { seed: 42, numRuns: 3_000 },
    );
  });
});

describe("parseDeltaSeconds", () => {
  it("reads digits only", () => {
    expect(parseDeltaSeconds("0")).toBe(0);
    expect(parseDeltaSeconds("2147483647")).toBe(2_147_483_647);
    expect(parseDeltaSeconds("2147483649")).toBe(DELTA_SECONDS_MAX);
    for (const bad of ["", " 1", "+1", "-1", "0x10", "1_000", "١"]) {
      expect(() => parseDeltaSeconds(bad)).toThrow(headerInvalid);
    }
  });
});
