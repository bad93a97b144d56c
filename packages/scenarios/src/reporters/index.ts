/** Reporters: how suite results reach humans (pretty), machines (json) and CI (junit). */
export { formatMs, formatTable } from "./format.js";
export { formatJson, jsonReport } from "./json.js";
export type { JsonValue } from "./json-value.js";
export { toJsonValue } from "./json-value.js";
export { escapeXml, formatJunit } from "./junit.js";
export { formatFailure, formatPretty, formatReplay, ProgressPrinter } from "./pretty.js";
