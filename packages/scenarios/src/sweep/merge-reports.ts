import { combineDigests } from "../runner/digest.js";
import type { FailureReport, SuiteResult } from "../runner/types.js";
import type { ReportRow, RunReport } from "./parse-report.js";

/** The outcome of {@link mergeReports}. */
export interface MergedReport {
  readonly seed: number;
  /** One row per suite (and per corpus entry), in the order the shards list them. */
  readonly results: readonly SuiteResult[];
  /** What is missing for the merge to cover the whole run set, e.g. `conn: missing shard 2/3`. */
  readonly problems: readonly string[];
}

function shardOrder(report: RunReport): number {
  let lowest = Number.POSITIVE_INFINITY;
  for (const row of report.suites) lowest = Math.min(lowest, row.shard?.index ?? 0);
  return lowest;
}

function checkShards(name: string, rows: readonly ReportRow[], problems: string[]): void {
  const unsharded = rows.filter((row) => row.shard === undefined);
  if (unsharded.length > 0) {
    if (rows.length > 1) {
      throw new TypeError(
        `${name}: appears ${rows.length} times and not every time as a shard; cannot merge`,
      );
    }
    return;
  }
  const counts = new Set(rows.map((row) => row.shard?.count));
  if (counts.size > 1) {
    throw new TypeError(`${name}: shards of different counts (${[...counts].join(", ")}) mixed`);
  }
  const count = rows[0]?.shard?.count ?? 0;
  const seen = new Set<number>();
  for (const row of rows) {
    const index = row.shard?.index ?? 0;
    if (seen.has(index)) throw new TypeError(`${name}: shard ${index}/${count} appears twice`);
    seen.add(index);
  }
  for (let index = 1; index <= count; index++) {
    if (!seen.has(index)) problems.push(`${name}: missing shard ${index}/${count}`);
  }
}

function mergeRows(name: string, seed: number, rows: readonly ReportRow[]): SuiteResult {
  const ordered = [...rows].sort((a, b) => a.firstRun - b.firstRun);
  const failingIndex = ordered.findIndex((row) => row.failures > 0);
  // An unsharded run stops at its first failure; the merged runs and digest cover exactly that
  // prefix, so they equal the unsharded run's. Later shards' failures are kept, not counted.
  const prefix = failingIndex < 0 ? ordered : ordered.slice(0, failingIndex + 1);
  const runDigests = prefix.flatMap((row) => row.runDigests);
  const failing = ordered.filter((row) => row.failures > 0);
  const failure = failing[0]?.failure;
  const moreFailures: FailureReport[] = [
    ...(failing[0]?.moreFailures ?? []),
    ...failing
      .slice(1)
      .flatMap((row) => [
        ...(row.failure === undefined ? [] : [row.failure]),
        ...(row.moreFailures ?? []),
      ]),
  ];
  const first = ordered[0];
  return {
    name,
    seed,
    firstRun: first?.firstRun ?? 0,
    plannedRuns: ordered.reduce((sum, row) => sum + row.plannedRuns, 0),
    runs: prefix.reduce((sum, row) => sum + row.runs, 0),
    failures: failing.length > 0 ? 1 : 0,
    digest: combineDigests(runDigests),
    runDigests,
    runRecords: [],
    simulatedMs: ordered.reduce((sum, row) => sum + row.simulatedMs, 0),
    wallMs: ordered.reduce((sum, row) => sum + row.wallMs, 0),
    interrupted: ordered.some((row) => row.interrupted),
    ...(failure === undefined ? {} : { failure }),
    ...(first?.corpus === undefined ? {} : { corpus: first.corpus }),
    ...(moreFailures.length === 0 ? {} : { moreFailures }),
  };
}

/**
 * Merges the JSON reports of the shards of one sweep (`dsim run --shard k/n --out …`) into one
 * report per suite. Every report must have the same seed. For each suite: `runs`, `runDigests`
 * and `digest` cover the runs an unsharded run would have executed (all of them, or up to and
 * including the first failing run), so a merge of shards `1/n … n/n` equals the unsharded
 * report; `failure` is the earliest shard's failure, `moreFailures` the later shards'.
 * `simulatedMs`, `wallMs` and `plannedRuns` add up all the work done. Missing shards are listed
 * in `problems`; duplicated or mixed shards throw a `TypeError`.
 */
export function mergeReports(reports: readonly RunReport[]): MergedReport {
  const first = reports[0];
  if (first === undefined) throw new TypeError("merge needs at least one report");
  const seeds = new Set(reports.map((report) => report.seed));
  if (seeds.size > 1) {
    throw new TypeError(`reports have different seeds (${[...seeds].join(", ")}); cannot merge`);
  }
  // Stable sort: shard 1's report (with the corpus rows) first, so row order does not depend on
  // the order of the files on the command line.
  const ordered = [...reports].sort((a, b) => shardOrder(a) - shardOrder(b));
  const byName = new Map<string, ReportRow[]>();
  for (const report of ordered) {
    for (const row of report.suites) {
      const rows = byName.get(row.name);
      if (rows === undefined) byName.set(row.name, [row]);
      else rows.push(row);
    }
  }
  const problems: string[] = [];
  const results: SuiteResult[] = [];
  for (const [name, rows] of byName) {
    checkShards(name, rows, problems);
    results.push(mergeRows(name, first.seed, rows));
  }
  return { seed: first.seed, results, problems };
}
