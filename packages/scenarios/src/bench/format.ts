import type { BenchValue } from "./registry.js";

function isRow(value: BenchValue): value is { readonly [key: string]: BenchValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function cell(value: BenchValue | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "number")
    return Number.isInteger(value) ? value.toLocaleString("en-US") : String(value);
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Renders one benchmark result for humans: an array of flat rows as an aligned table, anything
 * else as indented JSON.
 */
export function formatResult(name: string, result: BenchValue): string {
  if (!Array.isArray(result) || result.length === 0 || !result.every(isRow)) {
    return `${name}\n${JSON.stringify(result, null, 2)}\n`;
  }
  const rows = result as ReadonlyArray<{ readonly [key: string]: BenchValue }>;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const table = [columns, ...rows.map((row) => columns.map((c) => cell(row[c])))];
  const widths = columns.map((_, i) => Math.max(...table.map((line) => (line[i] ?? "").length)));
  const lines = table.map((line) =>
    line.map((text, i) => text.padStart(widths[i] ?? 0)).join("  "),
  );
  return `${name}\n${lines.join("\n")}\n`;
}
