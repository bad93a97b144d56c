import type { TraceValue } from "@dsim/sim-server";
import type { Shard } from "./shard.js";

/** Measurements of one generated run (shrink attempts are not runs). */
export interface RunRecord {
  /** The simulation seed fast-check generated for the run. */
  readonly simSeed: number;
  /** SHA-256 digest of the run's trace. */
  readonly digest: string;
  /** Virtual time the run covered. */
  readonly simulatedMs: number;
  /** Real time the run took. */
  readonly wallMs: number;
}

/**
 * Why shrinking stopped before it ran out of candidates: the run's `--time-budget` was spent,
 * `--shrink-time` or `--shrink-steps` was reached, or a candidate repeated an earlier
 * counterexample (a shrinker that cycles makes no progress).
 */
export type ShrinkStop = "time-budget" | "shrink-time" | "shrink-steps" | "cycle";

/** Everything needed to understand and replay a failing case. */
export interface FailureReport {
  /** The fast-check seed of the run (the `--seed` to replay with). */
  readonly seed: number;
  /** The fast-check path of the shrunk counterexample (the `--path` to replay with). */
  readonly path: string;
  /** The simulation seed of the shrunk counterexample. */
  readonly simSeed: number;
  /** The suite's human-readable plan of the shrunk counterexample. */
  readonly plan: TraceValue;
  /** The invariant that broke. */
  readonly invariant: string;
  /** What the invariant said. */
  readonly message: string;
  /** Facts attached to the violation. */
  readonly details: { readonly [key: string]: TraceValue };
  /** Trace digest of the shrunk counterexample's run; a replay must print the same digest. */
  readonly digest: string;
  /** Number of successful shrink steps. */
  readonly shrinks: number;
  /** True when shrinking stopped early ({@link FailureReport.shrinkStop}): it may not be minimal. */
  readonly shrinkTruncated: boolean;
  /** Why shrinking stopped early; absent when fast-check ran out of smaller candidates. */
  readonly shrinkStop?: ShrinkStop;
  /** Shrink candidates executed (accepted or not); absent on reports that predate it. */
  readonly shrinkAttempts?: number;
  /** The exact command line that replays the counterexample. */
  readonly replay: string;
}

/** The outcome of running one suite. */
export interface SuiteResult {
  readonly name: string;
  /** The fast-check seed. */
  readonly seed: number;
  /** The shard that was run, if any. */
  readonly shard?: Shard;
  /** Index of the first run of this (shard's) run set. */
  readonly firstRun: number;
  /** Runs planned for this (shard's) run set. */
  readonly plannedRuns: number;
  /** Generated runs executed, the first failing one included, shrink attempts excluded. */
  readonly runs: number;
  /** 0 or 1: fast-check stops at the first failing run. */
  readonly failures: number;
  /** {@link combineDigests} over {@link SuiteResult.runDigests}. */
  readonly digest: string;
  /** Trace digests of the executed runs, in run order. */
  readonly runDigests: readonly string[];
  /** Per-run measurements, in run order. */
  readonly runRecords: readonly RunRecord[];
  /** Virtual time covered by all executed cases, shrink attempts included. */
  readonly simulatedMs: number;
  /** Real time spent on the suite, shrinking included. */
  readonly wallMs: number;
  /** True when the time budget stopped the suite before all planned runs started. */
  readonly interrupted: boolean;
  /** The shrunk counterexample, when a run failed. */
  readonly failure?: FailureReport;
  /**
   * Set on rows that replay a regression corpus entry instead of generating runs: the corpus file
   * name. Such a row has exactly one run, the saved case, and must pass.
   */
  readonly corpus?: string;
  /**
   * Only with `checkDeterminism`: cases whose property failed although both executions traced
   * the same (a deterministic failure), in run order, unshrunk (`shrinks` 0), each with its replay
   * command. Information, not failures: the determinism check compares digests, not verdicts, so
   * they do not count in {@link SuiteResult.failures}.
   */
  readonly propertyFailures?: readonly FailureReport[];
  /**
   * Only on rows merged from shards (`dsim merge`): failures found by shards after the one that
   * holds {@link SuiteResult.failure}. An unsharded run would have stopped before reaching them.
   */
  readonly moreFailures?: readonly FailureReport[];
}

/** The outcome of replaying one case. */
export interface ReplayResult {
  readonly name: string;
  readonly seed: number;
  readonly path: string;
  readonly simSeed: number;
  readonly plan: TraceValue;
  /** Trace digest of the replayed run. */
  readonly digest: string;
  readonly simulatedMs: number;
  readonly wallMs: number;
  /** True when the replayed case failed (what a replay of a reported failure should do). */
  readonly failed: boolean;
  /** The broken invariant, when it failed. */
  readonly invariant?: string;
  readonly message?: string;
  readonly details?: { readonly [key: string]: TraceValue };
  /** The replayed run's trace as JSONL. */
  readonly traceJsonl: string;
}
