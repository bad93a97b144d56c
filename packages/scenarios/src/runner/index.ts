/** The scenario runner: checks suites with fast-check, measures runs, reports and replays failures. */
export { DETERMINISM_INVARIANT, executeCaseTwice, type TwiceOutcome } from "./determinism.js";
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
export { DEFAULT_SHRINK_STEPS, DEFAULT_SHRINK_TIME_MS, runSuite } from "./run-suite.js";
export { fastCheckSeed, MAX_RUN_SEED, MIN_RUN_SEED, worldSeed } from "./seed.js";
export type { RunRange, Shard } from "./shard.js";
export { parseShard, shardRange } from "./shard.js";
export type { Suite } from "./suite.js";
export { InvariantViolation, isInvariantViolation } from "./suite.js";
export type {
  FailureReport,
  ReplayResult,
  RunRecord,
  ShrinkStop,
  SuiteResult,
} from "./types.js";
