/** Sweeps at scale: reading shard reports back and merging them into one report. */
export type { MergedReport } from "./merge-reports.js";
export { mergeReports } from "./merge-reports.js";
export type { ReportRow, RunReport } from "./parse-report.js";
export { parseRunReport } from "./parse-report.js";
