import type { SuiteProgress } from "../runner/run-suite.js";
import type { FailureReport, ReplayResult, SuiteResult } from "../runner/types.js";
import { formatMs, formatTable } from "./format.js";
import { toJsonValue } from "./json-value.js";

const DIGEST_PREFIX = 12;

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line, index) => (index === 0 ? line : `${prefix}${line}`))
    .join("\n");
}

/** Why shrinking stopped early, for the failure's headline. */
function shrinkStopText(failure: FailureReport): string {
  switch (failure.shrinkStop) {
    case "shrink-steps":
      return `shrinking stopped after ${failure.shrinkAttempts ?? "the allowed"} shrink attempts (--shrink-steps)`;
    case "shrink-time":
      return "shrinking stopped by --shrink-time";
    case "cycle":
      return "shrinking stopped: a shrink step repeated an earlier counterexample";
    default:
      return "shrinking stopped by the time budget";
  }
}

/** The failure block a human reads: plan, invariant, message, digest and the replay command. */
export function formatFailure(name: string, failure: FailureReport): string {
  const plan = JSON.stringify(toJsonValue(failure.plan), null, 2);
  const lines = [
    `FAILED ${name} (seed ${failure.seed}, path "${failure.path}", ${failure.shrinks} shrinks${
      failure.shrinkTruncated ? `, truncated: ${shrinkStopText(failure)}` : ""
    })`,
    `  invariant: ${failure.invariant}`,
    `  message:   ${failure.message}`,
  ];
  if (Object.keys(failure.details).length > 0) {
    lines.push(`  details:   ${JSON.stringify(toJsonValue(failure.details))}`);
  }
  lines.push(
    `  plan:      ${indent(plan, "             ")}`,
    `  digest:    ${failure.digest}`,
    `  replay:    ${failure.replay}`,
  );
  return lines.join("\n");
}

/** Summary table (suite, runs, failures, simulated time, wall time, digest prefix) and failures. */
export function formatPretty(seed: number, results: readonly SuiteResult[]): string {
  const rows = results.map((result) => [
    result.name,
    `${result.runs}${result.interrupted ? ` of ${result.plannedRuns} (time budget)` : ""}${
      result.shard === undefined ? "" : ` [shard ${result.shard.index}/${result.shard.count}]`
    }`,
    String(result.failures),
    formatMs(result.simulatedMs),
    formatMs(result.wallMs),
    result.digest.slice(0, DIGEST_PREFIX),
  ]);
  const table = formatTable(["suite", "runs", "failures", "simulated", "wall", "digest"], rows);
  const failures = results.flatMap((result) => [
    ...(result.failure === undefined ? [] : [formatFailure(result.name, result.failure)]),
    ...(result.moreFailures ?? []).map(
      (failure) => `(found by a later shard)\n${formatFailure(result.name, failure)}`,
    ),
  ]);
  const notes = results.flatMap((result) => {
    const found = result.propertyFailures ?? [];
    const first = found[0];
    if (first === undefined) return [];
    return [
      [
        `note: ${result.name}: ${found.length} of ${result.runs} case(s) failed their property the same way in both executions (deterministic; not a determinism failure)`,
        `  first: path "${first.path}", invariant ${first.invariant}`,
        `  replay: ${first.replay}`,
      ].join("\n"),
    ];
  });
  const failed = results.filter((result) => result.failures > 0).length;
  const verdict =
    failed === 0
      ? `all ${results.length} suite(s) passed (seed ${seed})`
      : `${failed} of ${results.length} suite(s) failed (seed ${seed})`;
  return `${[table, ...failures, ...notes, verdict].join("\n\n")}\n`;
}

/** A replay's verdict for humans. */
export function formatReplay(result: ReplayResult): string {
  const plan = JSON.stringify(toJsonValue(result.plan), null, 2);
  const lines = [
    `replay ${result.name} seed ${result.seed} path "${result.path}" (sim seed ${result.simSeed})`,
    result.failed
      ? `  FAILED invariant: ${result.invariant ?? ""}\n  message:   ${result.message ?? ""}`
      : "  passed: the case did not fail",
    `  plan:      ${indent(plan, "             ")}`,
    `  simulated: ${formatMs(result.simulatedMs)}  wall: ${formatMs(result.wallMs)}`,
    `  digest:    ${result.digest}`,
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * Progress lines for long runs, one per suite at most every `intervalMs` of wall time (and one when
 * a suite finishes), so a CI log shows life without being flooded.
 */
export class ProgressPrinter {
  readonly #write: (text: string) => void;
  readonly #now: () => number;
  readonly #intervalMs: number;
  #lastPrinted = Number.NEGATIVE_INFINITY;

  constructor(write: (text: string) => void, now: () => number, intervalMs = 2000) {
    if (!(intervalMs >= 0)) throw new RangeError(`intervalMs must be >= 0, got ${intervalMs}`);
    this.#write = write;
    this.#now = now;
    this.#intervalMs = intervalMs;
  }

  /**
   * Announces a suite before its first run; `budgetMs` (a sweep's share of the time budget) turns
   * the planned count into an upper bound.
   */
  start(suite: string, planned: number, budgetMs?: number): void {
    this.#lastPrinted = this.#now();
    const budget =
      budgetMs === undefined ? "" : ` (sweep: as many as fit in ${formatMs(budgetMs)})`;
    this.#write(`${suite}: ${budgetMs === undefined ? "" : "up to "}${planned} runs${budget}\n`);
  }

  /** Records progress; prints only when the interval has passed. */
  progress(progress: SuiteProgress): void {
    const now = this.#now();
    if (now - this.#lastPrinted < this.#intervalMs) return;
    this.#lastPrinted = now;
    this.#write(`${progress.suite}: ${progress.done}/${progress.planned} runs\n`);
  }

  /** Prints the suite's final line. */
  finish(result: SuiteResult): void {
    const verdict =
      result.failures > 0 ? "FAILED" : result.interrupted ? "stopped (time budget)" : "ok";
    this.#write(
      `${result.name}: ${result.runs}/${result.plannedRuns} runs ${verdict} in ${formatMs(result.wallMs)}\n`,
    );
  }
}
