import { describe, expect, it } from "vitest";
import { nextRefreshDelayMs, remainingFreshnessMs } from "../../src/refresh/freshness.js";
import { formatHttpDate } from "../../src/refresh/http-date.js";

function headers(fields: Record<string, string>): { get(name: string): string | null } {
  const lower = new Map(Object.entries(fields).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => lower.get(name.toLowerCase()) ?? null };
}

const DATE = Date.UTC(2026, 0, 1, 12, 0, 0);
const MIN = 60_000;

describe("remainingFreshnessMs", () => {
  it("uses max-age minus Age minus the request's own delay", () => {
    expect(remainingFreshnessMs(headers({ "cache-control": "max-age=3600" }), 0)).toBe(3_600_000);
    expect(remainingFreshnessMs(headers({ "cache-control": "max-age=3600", age: "3000" }), 0)).toBe(
      600_000,
    );
    expect(remainingFreshnessMs(headers({ "cache-control": "max-age=3600" }), 2_000)).toBe(
      3_598_000,
    );
    expect(remainingFreshnessMs(headers({ "cache-control": "max-age=60", age: "120" }), 0)).toBe(0);
  });

  it("reads a list-valued Age by its first member and ignores an invalid Age", () => {
    expect(
      remainingFreshnessMs(headers({ "cache-control": "max-age=100", age: "10, 50" }), 0),
    ).toBe(90_000);
    expect(remainingFreshnessMs(headers({ "cache-control": "max-age=100", age: "-5" }), 0)).toBe(
      100_000,
    );
  });

  it("ignores Expires when max-age is present", () => {
    const h = headers({
      "cache-control": "max-age=10",
      date: formatHttpDate(DATE),
      expires: formatHttpDate(DATE + 86_400_000),
    });
    expect(remainingFreshnessMs(h, 0)).toBe(10_000);
  });

  it("uses Expires minus Date (server clock) without max-age", () => {
    const h = headers({ date: formatHttpDate(DATE), expires: formatHttpDate(DATE + 7_200_000) });
    expect(remainingFreshnessMs(h, 0)).toBe(7_200_000);
  });

  it("treats invalid Expires, no-cache, no-store and a broken Cache-Control as stale", () => {
    expect(remainingFreshnessMs(headers({ date: formatHttpDate(DATE), expires: "0" }), 0)).toBe(0);
    expect(remainingFreshnessMs(headers({ "cache-control": "no-cache, max-age=600" }), 0)).toBe(0);
    expect(remainingFreshnessMs(headers({ "cache-control": "no-store" }), 0)).toBe(0);
    expect(remainingFreshnessMs(headers({ "cache-control": "max-age=-1" }), 0)).toBe(0);
    expect(remainingFreshnessMs(headers({ "cache-control": "max-age=1, max-age=2" }), 0)).toBe(0);
  });

  it("knows nothing without headers or without a usable Date", () => {
    expect(remainingFreshnessMs(headers({}), 0)).toBeUndefined();
    expect(remainingFreshnessMs(headers({ "cache-control": "public" }), 0)).toBeUndefined();
    expect(
      remainingFreshnessMs(headers({ expires: formatHttpDate(DATE + 1_000_000) }), 0),
    ).toBeUndefined();
    expect(
      remainingFreshnessMs(headers({ expires: formatHttpDate(DATE), date: "yesterday" }), 0),
    ).toBeUndefined();
  });
});

describe("nextRefreshDelayMs (the interval rule)", () => {
  const base = { minInterval: MIN, responseDelayMs: 0 };
  it("lets an explicit interval win over headers, floored by the minimum", () => {
    const h = headers({ "cache-control": "max-age=86400" });
    expect(nextRefreshDelayMs({ ...base, interval: 120_000, headers: h })).toBe(120_000);
    expect(nextRefreshDelayMs({ ...base, interval: 1_000, headers: h })).toBe(MIN);
  });
  it("uses max-age when above the minimum, else the minimum", () => {
    expect(
      nextRefreshDelayMs({
        ...base,
        interval: undefined,
        headers: headers({ "cache-control": "max-age=600" }),
      }),
    ).toBe(600_000);
    expect(
      nextRefreshDelayMs({
        ...base,
        interval: undefined,
        headers: headers({ "cache-control": "max-age=6" }),
      }),
    ).toBe(MIN);
  });
  it("uses Expires when later than the minimum, else the minimum; nothing → minimum", () => {
    const later = headers({
      date: formatHttpDate(DATE),
      expires: formatHttpDate(DATE + 3_600_000),
    });
    const sooner = headers({ date: formatHttpDate(DATE), expires: formatHttpDate(DATE + 1_000) });
    expect(nextRefreshDelayMs({ ...base, interval: undefined, headers: later })).toBe(3_600_000);
    expect(nextRefreshDelayMs({ ...base, interval: undefined, headers: sooner })).toBe(MIN);
    expect(nextRefreshDelayMs({ ...base, interval: undefined, headers: headers({}) })).toBe(MIN);
  });
});
