/** Failure forensics: reading traces back and finding where two runs of one case diverged. */
export type { ParsedTraceEvent } from "./parse-trace.js";
export { parseTrace, parseTraceLine, traceLines } from "./parse-trace.js";
export type { TraceDivergence } from "./trace-diff.js";
export { diffTraces } from "./trace-diff.js";
