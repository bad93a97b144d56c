import type { LogFields, Logger, LogLevel } from "@dsim/core";
import type { TraceValue } from "./contracts.js";
import type { Trace } from "./trace.js";

const LEVELS: ReadonlySet<string> = new Set<LogLevel>(["debug", "info", "warn", "error"]);

/** Turns an arbitrary log field into something the canonical trace JSON can hold. */
function toTraceValue(value: unknown, depth: number): TraceValue {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "bigint":
      return value;
    case "undefined":
      return null;
    case "object": {
      if (value === null) return null;
      if (value instanceof Error) return `${value.name}: ${value.message}`;
      if (depth >= 8) return "[deep]";
      if (Array.isArray(value)) return value.map((item: unknown) => toTraceValue(item, depth + 1));
      const out: Record<string, TraceValue> = {};
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined) out[key] = toTraceValue(item, depth + 1);
      }
      return out;
    }
    default:
      return String(value);
  }
}

/**
 * A `Logger` (the core port) that records every log record into the trace as
 * `{ source, kind: "log.<level>", data: { message, ...fields } }`. Errors become `"Name: message"`,
 * other non-JSON values their `String()`, so logging never throws and never breaks the digest.
 */
export function createTraceLogger(trace: Trace, source: string): Logger {
  if (typeof source !== "string" || source.length === 0) {
    throw new TypeError("a trace logger needs a non-empty source name");
  }
  return {
    log(level: LogLevel, message: string, fields?: LogFields): void {
      const kind = LEVELS.has(level) ? `log.${level}` : "log.unknown";
      const data: Record<string, TraceValue> = {};
      if (fields !== undefined) {
        for (const [key, value] of Object.entries(fields)) {
          if (value !== undefined) data[key] = toTraceValue(value, 0);
        }
      }
      data.message = String(message);
      trace.record(source, kind, data);
    },
  };
}
