/** `@dsim/scenarios`: property suites, the scenario runner, reporters and the `dsim` CLI. */
export type { CliIo } from "./cli/index.js";
export { DEFAULT_SEED, ExitCode, main, processIo, UsageError } from "./cli/index.js";
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
  Suite,
  SuiteProgress,
  SuiteResult,
  WallClock,
} from "./runner/index.js";
export {
  combineDigests,
  describeFailure,
  formatReplayCommand,
  InvariantViolation,
  parseDuration,
  parseShard,
  replayCase,
  runSuite,
  shardRange,
  simSeedArbitrary,
} from "./runner/index.js";
export { suites } from "./suites/index.js";
