import type { JsonValue } from "../reporters/json-value.js";

/** One trace event as read back from JSONL (bigints are already decimal strings there). */
export interface ParsedTraceEvent {
  readonly t: number;
  readonly seq: number;
  readonly source: string;
  readonly kind: string;
  readonly data: { readonly [key: string]: JsonValue };
}

function isRecord(value: unknown): value is { readonly [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses one canonical JSONL trace line. Throws a `TypeError` naming the line number when the line
 * is not an event (`{t, seq, source, kind, data}`), so a truncated or foreign file is reported, not
 * silently drawn as an empty timeline.
 */
export function parseTraceLine(line: string, lineNumber: number): ParsedTraceEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new TypeError(
      `trace line ${lineNumber} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!isRecord(value)) throw new TypeError(`trace line ${lineNumber} is not an object`);
  const { t, seq, source, kind, data } = value;
  if (typeof t !== "number" || typeof seq !== "number") {
    throw new TypeError(`trace line ${lineNumber} has no numeric t and seq`);
  }
  if (typeof source !== "string" || typeof kind !== "string") {
    throw new TypeError(`trace line ${lineNumber} has no string source and kind`);
  }
  return { t, seq, source, kind, data: isRecord(data) ? data : {} };
}

/** Splits a JSONL trace into its lines (empty lines ignored). */
export function traceLines(jsonl: string): string[] {
  return jsonl.split("\n").filter((line) => line.length > 0);
}

/** Parses a whole JSONL trace, in order. */
export function parseTrace(jsonl: string): ParsedTraceEvent[] {
  return traceLines(jsonl).map((line, index) => parseTraceLine(line, index + 1));
}
