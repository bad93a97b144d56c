import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isDsimError } from "../../src/errors.js";
import { formatHttpDate, parseHttpDate } from "../../src/refresh/http-date.js";

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

describe("parseHttpDate", () => {
  it("reads the three HTTP-date formats as the same instant", () => {
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).toBe(NOV_6_1994);
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT")).toBe(NOV_6_1994);
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994")).toBe(NOV_6_1994);
    expect(parseHttpDate("  Sun, 06 Nov 1994 08:49:37 GMT ")).toBe(NOV_6_1994);
  });

  it("maps two-digit RFC 850 years to 1969-2068", () => {
    expect(new Date(parseHttpDate("Thursday, 01-Jan-70 00:00:00 GMT")).getUTCFullYear()).toBe(1970);
    expect(new Date(parseHttpDate("Sunday, 01-Jan-68 00:00:00 GMT")).getUTCFullYear()).toBe(2068);
    expect(new Date(parseHttpDate("Wednesday, 01-Jan-69 00:00:00 GMT")).getUTCFullYear()).toBe(
      1969,
    );
  });

  it("accepts leap days only in leap years and a leap second", () => {
    expect(parseHttpDate("Tue, 29 Feb 2000 00:00:00 GMT")).toBe(Date.UTC(2000, 1, 29));
    expect(parseHttpDate("Sat, 31 Dec 2016 23:59:60 GMT")).toBe(Date.UTC(2017, 0, 1));
  });

  it.each([
    "0",
    "-1",
    "2099",
    "",
    "Sun, 06 Nov 1994 08:49:37 PST",
    "Sun, 06 Nov 1994 08:49:37 gmt",
    "sun, 06 Nov 1994 08:49:37 GMT",
    "Sun, 6 Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 94 08:49:37 GMT",
    "Sun, 30 Feb 1994 08:49:37 GMT",
    "Mon, 29 Feb 1900 00:00:00 GMT",
    "Sun, 06 Nov 1994 24:00:00 GMT",
    "Sun, 06 Nov 1994 08:60:00 GMT",
    "Sun, 06 Nov 1994 08:49:61 GMT",
    "Sun, 00 Nov 1994 08:49:37 GMT",
    "Sun,  06 Nov 1994 08:49:37 GMT",
    "Sun Nov 6 08:49:37 1994",
    "Sun Nov  6 08:49:37 1994 GMT",
    "1994-11-06T08:49:37Z",
    "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT",
  ])("rejects %j with HEADER_INVALID", (value) => {
    expect(() => parseHttpDate(value)).toThrow(
      expect.objectContaining({ code: "HEADER_INVALID" }) as unknown as Error,
    );
  });

  it("round-trips every second of years 0-9999 through formatHttpDate", () => {
    const first = new Date(0);
    first.setUTCFullYear(0, 0, 1);
    const last = Date.UTC(9999, 11, 31, 23, 59, 59);
    fc.assert(
      fc.property(
        fc.integer({ min: Math.floor(first.getTime() / 1000), max: last / 1000 }),
        (s) => {
          expect(parseHttpDate(formatHttpDate(s * 1000))).toBe(s * 1000);
        },
      ),
      { seed: 42, numRuns: 2_000 },
    );
  });

  it("returns a number or throws HEADER_INVALID for any string (fuzz)", () => {
    const dateLike = fc
      .tuple(
        fc.constantFrom("Sun", "Sunday", "Mon", "Xyz", ""),
        fc.constantFrom(", ", " ", ","),
        fc.stringMatching(/^[0-9 ]{0,3}$/),
        fc.constantFrom(" Nov ", "-Nov-", " nov ", " Feb "),
        fc.stringMatching(/^[0-9]{0,5}$/),
        fc.constantFrom(" 08:49:37 GMT", " 99:99:99 GMT", " 08:49:37", ""),
      )
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.oneof(fc.string(), dateLike), (value) => {
        try {
          expect(Number.isFinite(parseHttpDate(value))).toBe(true);
        } catch (error) {
          if (!isDsimError(error, "HEADER_INVALID")) throw error;
        }
      }),
      { seed: 42, numRuns: 5_000 },
    );
  });
});

describe("formatHttpDate", () => {
  it("writes IMF-fixdate", () => {
    expect(formatHttpDate(NOV_6_1994)).toBe("Sun, 06 Nov 1994 08:49:37 GMT");
  });
  it("refuses times outside years 0-9999", () => {
    expect(() => formatHttpDate(Number.NaN)).toThrow(RangeError);
    expect(() => formatHttpDate(Date.UTC(10000, 0, 1))).toThrow(RangeError);
  });
});
