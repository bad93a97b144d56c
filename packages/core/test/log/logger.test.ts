import { describe, expect, it } from "vitest";
import { type ConsoleSink, consoleLogger } from "../../src/log/console-logger.js";
import { formatLogFields } from "../../src/log/format-fields.js";
import { isLevelEnabled, LOG_LEVELS } from "../../src/log/log-levels.js";
import { noopLogger } from "../../src/log/noop-logger.js";

function recordingSink(): ConsoleSink & { lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  const write = (level: string) => (line: string) => {
    lines.push([level, line]);
  };
  return {
    lines,
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
  };
}

describe("loggers", () => {
  it("noopLogger accepts anything, including bigint fields", () => {
    expect(() => noopLogger.log("error", "x", { id: 1n })).not.toThrow();
  });

  it("orders levels and filters below the threshold", () => {
    expect(LOG_LEVELS).toEqual(["debug", "info", "warn", "error"]);
    expect(isLevelEnabled("warn", "error")).toBe(true);
    expect(isLevelEnabled("warn", "warn")).toBe(true);
    expect(isLevelEnabled("warn", "info")).toBe(false);
  });

  it("consoleLogger writes to the level's method, with bigint fields as strings", () => {
    const sink = recordingSink();
    const logger = consoleLogger({ minLevel: "info", sink });
    logger.log("debug", "hidden");
    logger.log("info", "granted", { leaseId: 7_000_000_000_000_000_001n, ttl: 5 });
    logger.log("error", "plain");
    expect(sink.lines).toEqual([
      ["info", 'granted {"leaseId":"7000000000000000001","ttl":5}'],
      ["error", "plain"],
    ]);
  });

  it("consoleLogger rejects an unknown level", () => {
    expect(() => consoleLogger({ minLevel: "trace" as never })).toThrow(TypeError);
  });

  it("formatLogFields never throws", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(formatLogFields({ cyclic })).toBe('"[unserialisable fields]"');
    expect(formatLogFields({ error: new TypeError("bad") })).toBe(
      '{"error":{"name":"TypeError","message":"bad"}}',
    );
  });
});
