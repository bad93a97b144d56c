import { parseHttpDate, remainingFreshnessMs } from "@dsim/core";
import { SimHeaders } from "@dsim/sim-server";
import { describe, expect, it } from "vitest";
import { expectedDelayMs, lifetimeMs } from "../../../src/invariants/refresh/interval-oracle.js";
import {
  type DateFormat,
  formatDate,
  type HeaderTemplate,
  headerFields,
} from "../../../src/suites/refresh/header-templates.js";
import type { UrlSpec } from "../../../src/suites/refresh/refresh-case.js";

const SENT_AT = Date.UTC(2025, 0, 5, 8, 9, 7);

describe("the fake server's caching headers", () => {
  it.each<[DateFormat, string]>([
    ["imf", "Sun, 05 Jan 2025 08:09:07 GMT"],
    ["rfc850", "Sunday, 05-Jan-25 08:09:07 GMT"],
    ["asctime", "Sun Jan  5 08:09:07 2025"],
  ])("writes %s dates as RFC 9110 shows them", (format, text) => {
    expect(formatDate(SENT_AT, format)).toBe(text);
    expect(parseHttpDate(text)).toBe(SENT_AT);
  });

  const templates: HeaderTemplate[] = [
    { kind: "max-age", seconds: 600, age: 20, spelling: "upper", sMaxAge: 5 },
    { kind: "max-age", seconds: 600, age: 0, spelling: "quoted", sMaxAge: null },
    { kind: "max-age", seconds: 600, age: 3, spelling: "split-lines", sMaxAge: 9 },
    { kind: "expires", seconds: 2_592_000, age: 7, format: "rfc850" },
    { kind: "expires", seconds: 90, age: 0, format: "asctime" },
    { kind: "expires", seconds: -5, age: 0, format: "imf" },
    { kind: "both", maxAge: 30, expires: 600 },
    { kind: "no-store", maxAge: 600 },
  ];

  it.each(templates)("means to a private cache what the oracle says: %j", (template) => {
    const headers = new SimHeaders(headerFields(template, SENT_AT + 400));
    const lifetime = lifetimeMs(template) ?? 0;
    const age = "age" in template ? template.age * 1_000 : 0;
    expect(remainingFreshnessMs(headers, 0)).toBe(Math.max(0, lifetime - age));
  });

  it("floors the oracle's delay at the minimum interval and lets an explicit interval win", () => {
    const spec: UrlSpec = {
      minIntervalMs: 5_000,
      intervalMs: undefined,
      requestTimeoutMs: 2_000,
      backoff: null,
      headers: { kind: "none" },
    };
    const maxAge: HeaderTemplate = {
      kind: "max-age",
      seconds: 60,
      age: 10,
      spelling: "plain",
      sMaxAge: null,
    };
    expect(expectedDelayMs(spec, maxAge, 250)).toBe(49_750);
    expect(expectedDelayMs(spec, { kind: "no-store", maxAge: 60 }, 0)).toBe(5_000);
    expect(expectedDelayMs({ ...spec, intervalMs: 2_147_483_648 }, maxAge, 0)).toBe(2_147_483_648);
  });
});
