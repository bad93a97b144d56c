import fc from "fast-check";
import { executeCaseTwice } from "./determinism.js";
import { combineDigests } from "./digest.js";
import { type CaseOutcome, executeCase, systemWallClock, type WallClock } from "./execute-case.js";
import { describeFailure } from "./failure.js";
import { suiteProperty } from "./property.js";
import { formatReplayCommand } from "./replay-command.js";
import { fastCheckSeed, validateRunSeed, worldSeed } from "./seed.js";
import { type Shard, shardRange } from "./shard.js";
import { ShrinkGuard } from "./shrink-guard.js";
import type { Suite } from "./suite.js";
import type { FailureReport, RunRecord, ShrinkStop, SuiteResult } from "./types.js";

/** Progress of a suite, reported after each generated run (never during shrinking). */
export interface SuiteProgress {
  readonly suite: string;
  /** Generated runs finished so far. */
  readonly done: number;
  /** Runs planned for this (shard's) run set. */
  readonly planned: number;
}

/** Options of {@link runSuite}. */
export interface RunSuiteOptions {
  /**
   * The run seed: with the path, it names every case. Any safe integer; see `seed.ts` for how it
   * maps onto fast-check's and the simulation's seeds.
   */
  readonly seed: number;
  /** Number of runs of the whole (unsharded) run set; defaults to the suite's `defaultRuns`. */
  readonly runs?: number;
  /** Run only this shard of the run set (see `shard.ts` for the scheme). */
  readonly shard?: Shard;
  /**
   * Wall-clock budget in ms: once spent, no new run starts and the suite reports `interrupted`;
   * shrinking also stops, keeping the smallest failing case found so far. 0 runs nothing (a budget
   * shared by several suites can be spent before a suite starts).
   */
  readonly timeBudgetMs?: number;
  /** Skip shrinking: report the first failing case as found. */
  readonly endOnFailure?: boolean;
  /**
   * Wall-clock budget of shrinking in ms, from the first failure; once spent the smallest failing
   * case found so far is reported, marked truncated. Default {@link DEFAULT_SHRINK_TIME_MS}.
   */
  readonly shrinkTimeMs?: number;
  /**
   * Shrink attempts (candidate cases executed) allowed before the smallest failing case found so
   * far is reported, marked truncated. Default {@link DEFAULT_SHRINK_STEPS}.
   */
  readonly shrinkSteps?: number;
  /**
   * Execute every case twice in fresh Simulations and fail the run, without shrinking, when the
   * trace digests differ; the failure names the first diverging event (see `determinism.ts`).
   * Every planned case is compared, also those whose property fails (determinism is about equal
   * digests, not verdicts): such failures do not fail the run, they are listed in
   * `SuiteResult.propertyFailures` (unshrunk, with replay commands).
   */
  readonly checkDeterminism?: boolean;
  /** Runs handed to one `fc.check` call; the time budget is checked between calls. */
  readonly chunkSize?: number;
  /** Source of wall time for measurements and the budget. */
  readonly wallClock?: WallClock;
  /** Called after each generated run. */
  readonly onProgress?: (progress: SuiteProgress) => void;
}

/** Default shrink time: one minute keeps a CI job's report within its time. */
export const DEFAULT_SHRINK_TIME_MS = 60_000;
/** Default shrink attempts: enough for the suites' plans to reach a minimal case. */
export const DEFAULT_SHRINK_STEPS = 2_000;

const DEFAULT_CHUNK = 50;
/**
 * Chunk size under a time budget. Each chunk costs fast-check one skip over the run indices
 * before its offset (a few µs each), so small chunks far into a sharded sweep are quadratic;
 * the budget is checked before every run anyway, so large chunks lose no precision.
 */
const BUDGET_CHUNK = 500;

function validate(options: RunSuiteOptions, runs: number): void {
  validateRunSeed(options.seed);
  if (!Number.isSafeInteger(runs) || runs < 0) {
    throw new RangeError(`runs must be a non-negative integer, got ${runs}`);
  }
  const { timeBudgetMs, chunkSize } = options;
  if (timeBudgetMs !== undefined && !(timeBudgetMs >= 0)) {
    throw new RangeError(`timeBudgetMs must be >= 0, got ${timeBudgetMs}`);
  }
  if (chunkSize !== undefined && (!Number.isSafeInteger(chunkSize) || chunkSize < 1)) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const { shrinkTimeMs, shrinkSteps } = options;
  if (shrinkTimeMs !== undefined && !(shrinkTimeMs >= 0)) {
    throw new RangeError(`shrinkTimeMs must be >= 0, got ${shrinkTimeMs}`);
  }
  if (shrinkSteps !== undefined && (!Number.isSafeInteger(shrinkSteps) || shrinkSteps < 0)) {
    throw new RangeError(`shrinkSteps must be a non-negative integer, got ${shrinkSteps}`);
  }
}

/**
 * Checks a suite's property with fast-check (`fc.check`, never `fc.assert`: a failure is a result,
 * not an exception) and measures every run.
 *
 * The run set is fed to fast-check in chunks, each as a path offset (`path: "<first index>"`). This
 * makes the time budget precise to a chunk, makes a shard's runs identical to the same indices of
 * an unsharded run, and keeps every reported path absolute, so it replays as is.
 */
export async function runSuite<C>(suite: Suite<C>, options: RunSuiteOptions): Promise<SuiteResult> {
  const runs = options.runs ?? suite.defaultRuns;
  validate(options, runs);
  const wallClock = options.wallClock ?? systemWallClock;
  const chunkSize =
    options.chunkSize ?? (options.timeBudgetMs === undefined ? DEFAULT_CHUNK : BUDGET_CHUNK);
  const checkDeterminism = options.checkDeterminism ?? false;
  const range = shardRange(runs, options.shard);
  const planned = range.end - range.start;
  const started = wallClock();
  const runRecords: RunRecord[] = [];
  let simulatedMs = 0;
  let interrupted = false;
  let failure: FailureReport | undefined;
  const propertyFailures: FailureReport[] = [];

  const budgetSpent = (): boolean =>
    options.timeBudgetMs !== undefined && wallClock() - started >= options.timeBudgetMs;
  let stopped = false;

  for (let offset = range.start; offset < range.end && failure === undefined; ) {
    if (budgetSpent()) {
      interrupted = true;
      break;
    }
    const count = Math.min(chunkSize, range.end - offset);
    // Once a case failed, every later execution in this check is a shrink attempt.
    let shrinking = false;
    let lastFailure: CaseOutcome | undefined;
    const guard = new ShrinkGuard({
      wallClock,
      timeMs: options.shrinkTimeMs ?? DEFAULT_SHRINK_TIME_MS,
      steps: options.shrinkSteps ?? DEFAULT_SHRINK_STEPS,
      runBudgetSpent: budgetSpent,
    });
    const property = suiteProperty(suite, async (generatedSeed, testCase) => {
      // Once the budget is spent, the rest of the chunk passes without running: fast-check only
      // stops on a failure, and these cases are neither executed nor reported.
      if (!shrinking && (stopped || budgetSpent())) {
        stopped = true;
        return;
      }
      // A shrink candidate the guard refuses counts as a pass, so fast-check keeps the smallest
      // failing case found so far: its path stays valid and replayable.
      if (shrinking && !guard.admit()) return;
      const simSeed = worldSeed(options.seed, generatedSeed);
      const outcome = checkDeterminism
        ? await executeCaseTwice(suite, simSeed, testCase, wallClock)
        : await executeCase(suite, simSeed, testCase, { wallClock, keepTrace: false });
      simulatedMs += outcome.simulatedMs;
      if (!shrinking) {
        const { digest, wallMs } = outcome;
        runRecords.push({ simSeed, digest, simulatedMs: outcome.simulatedMs, wallMs });
        options.onProgress?.({ suite: suite.name, done: runRecords.length, planned });
      }
      if ("propertyError" in outcome) {
        // Runs are recorded in order from the shard's first index, so this is the case's path.
        const path = String(range.start + runRecords.length - 1);
        propertyFailures.push(
          caseReport(suite, options.seed, path, simSeed, testCase, outcome, outcome.propertyError),
        );
      }
      if ("error" in outcome) {
        // A candidate equal to an earlier counterexample is no progress: accepting it could
        // cycle forever, so shrinking stops on the last new one.
        if (!guard.accept([generatedSeed, testCase], shrinking)) return;
        shrinking = true;
        lastFailure = outcome;
        throw outcome.error;
      }
    });
    const details = await fc.check(property, {
      seed: fastCheckSeed(options.seed),
      path: String(offset),
      numRuns: count,
      // Shrinking a non-deterministic case chases noise: report the case as found.
      endOnFailure: checkDeterminism || (options.endOnFailure ?? false),
    });
    if (details.failed) {
      failure = buildFailure(suite, options.seed, details, lastFailure, guard);
    }
    if (stopped && failure === undefined) {
      interrupted = true;
      break;
    }
    offset += count;
  }

  const runDigests = runRecords.map((record) => record.digest);
  return {
    name: suite.name,
    seed: options.seed,
    ...(options.shard === undefined ? {} : { shard: options.shard }),
    firstRun: range.start,
    plannedRuns: planned,
    runs: runRecords.length,
    failures: failure === undefined ? 0 : 1,
    digest: combineDigests(runDigests),
    runDigests,
    runRecords,
    simulatedMs,
    wallMs: wallClock() - started,
    interrupted,
    ...(failure === undefined ? {} : { failure }),
    ...(checkDeterminism ? { propertyFailures } : {}),
  };
}

/** The report of one executed (unshrunk) failing case at `path`. */
function caseReport<C>(
  suite: Suite<C>,
  seed: number,
  path: string,
  simSeed: number,
  testCase: C,
  outcome: CaseOutcome,
  error: unknown,
): FailureReport {
  const { invariant, message, details } = describeFailure(error);
  return {
    seed,
    path,
    simSeed,
    plan: suite.plan(testCase),
    invariant,
    message,
    details,
    digest: outcome.digest,
    shrinks: 0,
    shrinkTruncated: false,
    replay: replayCommand(suite, seed, path),
  };
}

/** The command that replays the case at `path` of `suite`. */
function replayCommand<C>(suite: Suite<C>, seed: number, path: string): string {
  return formatReplayCommand({
    suite: suite.name,
    seed,
    path,
    ...(suite.demo === true ? { demo: true } : {}),
    ...(suite.source === undefined ? {} : { suites: suite.source }),
  });
}

function buildFailure<C>(
  suite: Suite<C>,
  seed: number,
  details: fc.RunDetails<[number, C]>,
  lastFailure: CaseOutcome | undefined,
  guard: ShrinkGuard,
): FailureReport {
  const shrinkStop: ShrinkStop | undefined = guard.stop;
  const counterexample = details.counterexample;
  const path = details.counterexamplePath;
  if (counterexample === null || path === null || lastFailure === undefined) {
    // fast-check fails a check without a counterexample only on skips or interruption, which this
    // runner never asks for; say so rather than report a half-empty failure.
    throw new Error(`fast-check failed ${suite.name} without a counterexample`);
  }
  const [generatedSeed, testCase] = counterexample;
  const { invariant, message, details: facts } = describeFailure(lastFailure.error);
  return {
    seed,
    path,
    simSeed: worldSeed(seed, generatedSeed),
    plan: suite.plan(testCase),
    invariant,
    message,
    details: facts,
    digest: lastFailure.digest,
    shrinks: details.numShrinks,
    shrinkTruncated: shrinkStop !== undefined,
    ...(shrinkStop === undefined ? {} : { shrinkStop }),
    shrinkAttempts: guard.attempts,
    replay: replayCommand(suite, seed, path),
  };
}
