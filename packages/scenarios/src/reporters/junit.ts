import type { SuiteResult } from "../runner/types.js";
import { formatFailure } from "./pretty.js";

/** Escapes text for XML attribute values and character data. */
export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * JUnit XML: one `<testcase>` per suite; a failing suite carries a `<failure>` whose body is the
 * same report the pretty reporter prints (plan, invariant, message, replay command).
 */
export function formatJunit(seed: number, results: readonly SuiteResult[]): string {
  const failures = results.filter((result) => result.failures > 0).length;
  const totalMs = results.reduce((sum, result) => sum + result.wallMs, 0);
  const cases = results.map((result) => {
    const open = `    <testcase classname="dsim" name="${escapeXml(result.name)}" time="${seconds(result.wallMs)}">`;
    const props = `      <system-out>${escapeXml(
      `seed ${seed}, ${result.runs} runs, simulated ${result.simulatedMs}ms, digest ${result.digest}`,
    )}</system-out>`;
    if (result.failure === undefined) return `${open}\n${props}\n    </testcase>`;
    const message = `${result.failure.invariant}: ${result.failure.message}`;
    const body = [result.failure, ...(result.moreFailures ?? [])]
      .map((failure) => formatFailure(result.name, failure))
      .join("\n\n");
    return `${open}\n      <failure message="${escapeXml(message)}" type="${escapeXml(
      result.failure.invariant,
    )}">${escapeXml(body)}</failure>\n${props}\n    </testcase>`;
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="dsim" tests="${results.length}" failures="${failures}" time="${seconds(totalMs)}">`,
    `  <testsuite name="dsim" tests="${results.length}" failures="${failures}" errors="0" time="${seconds(totalMs)}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
