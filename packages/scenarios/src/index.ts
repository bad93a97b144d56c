/** `@dsim/scenarios`: property suites, the scenario runner, reporters and the `dsim` CLI. */

export type { SwarmOptions, SwarmProfile } from "./arbitraries/index.js";
export { swarmFaults, swarmProfile } from "./arbitraries/index.js";
export type { CliIo } from "./cli/index.js";
export { DEFAULT_SEED, ExitCode, main, processIo, UsageError } from "./cli/index.js";
export type { CorpusEntry, StoredCorpusEntry } from "./corpus/index.js";
export { DEFAULT_CORPUS_DIR, loadCorpus, replayCorpus, saveCorpusEntry } from "./corpus/index.js";
export type { ParsedTraceEvent, TraceDivergence } from "./forensics/index.js";
export { diffTraces, parseTrace } from "./forensics/index.js";
export * from "./public/index.js";
export type { JsonValue } from "./reporters/index.js";
export {
  formatJson,
  formatJunit,
  formatPretty,
  formatReplay,
  jsonReport,
  ProgressPrinter,
} from "./reporters/index.js";
export type {
  CaseOutcome,
  FailureDescription,
  FailureReport,
  ReplayCaseOptions,
  ReplayResult,
  RunRange,
  RunRecord,
  RunSuiteOptions,
  Shard,
  ShrinkStop,
  Suite,
  SuiteProgress,
  SuiteResult,
  WallClock,
} from "./runner/index.js";
export {
  combineDigests,
  DEFAULT_SHRINK_STEPS,
  DEFAULT_SHRINK_TIME_MS,
  describeFailure,
  fastCheckSeed,
  formatReplayCommand,
  InvariantViolation,
  isInvariantViolation,
  MAX_RUN_SEED,
  MIN_RUN_SEED,
  parseDuration,
  parseShard,
  replayCase,
  runSuite,
  shardRange,
  simSeedArbitrary,
  worldSeed,
} from "./runner/index.js";
export { suites } from "./suites/index.js";
export type { MergedReport, RunReport } from "./sweep/index.js";
export { mergeReports, parseRunReport } from "./sweep/index.js";
export type { TimelineModel } from "./timeline/index.js";
export { buildTimeline, renderTimelineHtml } from "./timeline/index.js";
