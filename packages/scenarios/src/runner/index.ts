/** The scenario runner: checks suites with fast-check, measures runs, reports and replays failures. */
export { combineDigests } from "./digest.js";
export { parseDuration } from "./duration.js";
export type { CaseOutcome, WallClock } from "./execute-case.js";
export { executeCase, systemWallClock } from "./execute-case.js";
export type { FailureDescription } from "./failure.js";
export { describeFailure } from "./failure.js";
export { simSeedArbitrary, suiteProperty } from "./property.js";
export type { ReplayCaseOptions } from "./replay-case.js";
export { replayCase } from "./replay-case.js";
export type { ReplayCommandInput } from "./replay-command.js";
export { formatReplayCommand } from "./replay-command.js";
export type { RunSuiteOptions, SuiteProgress } from "./run-suite.js";
export { runSuite } from "./run-suite.js";
export type { RunRange, Shard } from "./shard.js";
export { parseShard, shardRange } from "./shard.js";
export type { Suite } from "./suite.js";
export { InvariantViolation } from "./suite.js";
export type { FailureReport, ReplayResult, RunRecord, SuiteResult } from "./types.js";
