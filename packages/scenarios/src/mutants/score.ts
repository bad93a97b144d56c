import type { MutantPatch } from "./catalog.js";
import type { ChildOutcome } from "./run-suite-child.js";

/**
 * What happened to one mutant. `not-applied` (the patch no longer applies to the tree) and `error`
 * (the mutated suite crashed instead of reporting) are errors of the catalog, not scores.
 */
export type MutantStatus = "caught" | "missed" | "timeout" | "not-applied" | "error";

/** One row of the score table. */
export interface MutantResult {
  readonly id: string;
  readonly suite: string;
  readonly kind: string;
  /** The invariant the header expects to catch it. */
  readonly expect: string;
  readonly status: MutantStatus;
  /** Runs to detection (caught), or runs survived (missed). */
  readonly runs?: number;
  /** The invariant that caught it. */
  readonly invariant?: string;
  /** Whether {@link invariant} is the expected one. */
  readonly expected?: boolean;
  /** Shrunk plan size: fault count and compact-JSON bytes. */
  readonly planFaults?: number;
  readonly planBytes?: number;
  readonly replay?: string;
  /** Why it is `not-applied` or `error`. */
  readonly message?: string;
  readonly wallMs: number;
}

/** Turns a child's outcome for `patch` into a row. */
export function resultOf(patch: MutantPatch, outcome: ChildOutcome): MutantResult {
  const base = {
    id: patch.id,
    suite: patch.suite,
    kind: patch.kind,
    expect: patch.expect,
    wallMs: outcome.wallMs,
  };
  switch (outcome.kind) {
    case "passed":
      return { ...base, status: "missed", runs: outcome.runs };
    case "failed":
      return {
        ...base,
        status: "caught",
        runs: outcome.runs,
        invariant: outcome.invariant,
        expected: outcome.invariant === patch.expect,
        planFaults: outcome.planFaults,
        planBytes: outcome.planBytes,
        replay: outcome.replay,
      };
    case "timeout":
      return { ...base, status: "timeout" };
    case "error":
      return { ...base, status: "error", message: outcome.message };
  }
}

/** Score of one suite (or of the whole catalog when `suite` is `all`). */
export interface SuiteScore {
  readonly suite: string;
  readonly mutants: number;
  readonly caught: number;
  readonly missed: number;
  readonly timeout: number;
  /** Patches that no longer apply plus mutants whose suite crashed. */
  readonly errors: number;
  /** caught / (caught + missed + timeout), in percent; errors are not scored. */
  readonly scorePercent: number;
  /** Caught by the invariant their header expects. */
  readonly expectedInvariant: number;
  /** Median runs to detection over the caught mutants (0 when none). */
  readonly medianRuns: number;
}

/** The median of `values` (0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Scores `results`, per suite and in total (`all`, last). */
export function scores(results: readonly MutantResult[]): SuiteScore[] {
  const suites = [...new Set(results.map((r) => r.suite))];
  const one = (suite: string, rows: readonly MutantResult[]): SuiteScore => {
    const count = (status: MutantStatus): number => rows.filter((r) => r.status === status).length;
    const caught = count("caught");
    const missed = count("missed");
    const timeout = count("timeout");
    const scored = caught + missed + timeout;
    return {
      suite,
      mutants: rows.length,
      caught,
      missed,
      timeout,
      errors: count("not-applied") + count("error"),
      scorePercent: scored === 0 ? 0 : Math.round((1000 * caught) / scored) / 10,
      expectedInvariant: rows.filter((r) => r.expected === true).length,
      medianRuns: median(rows.flatMap((r) => (r.status === "caught" ? [r.runs ?? 0] : []))),
    };
  };
  const per = suites.map((suite) =>
    one(
      suite,
      results.filter((r) => r.suite === suite),
    ),
  );
  return suites.length > 1 ? [...per, one("all", results)] : per;
}

function cell(result: MutantResult): string[] {
  const invariant =
    result.invariant === undefined
      ? `(expects ${result.expect})`
      : result.expected === true
        ? `${result.invariant} ✓`
        : `${result.invariant} ✗ expected ${result.expect}`;
  const plan =
    result.planFaults === undefined ? "" : `${result.planFaults} faults, ${result.planBytes} B`;
  const status = result.status === "not-applied" ? "ERROR: patch no longer applies" : result.status;
  return [
    result.id,
    status === "error" ? "ERROR: suite crashed" : status,
    result.runs === undefined ? "" : String(result.runs),
    invariant,
    plan,
    `${(result.wallMs / 1000).toFixed(1)} s`,
  ];
}

/** The score table as aligned plain text, rows then one summary line per suite. */
export function formatTable(results: readonly MutantResult[], totalWallMs: number): string {
  const header = ["mutant", "result", "runs", "invariant", "shrunk plan", "wall"];
  const rows = [header, ...results.map(cell)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  lines.push("");
  for (const s of scores(results)) {
    lines.push(
      `${s.suite}: ${s.caught}/${s.caught + s.missed + s.timeout} caught (${s.scorePercent} %), ` +
        `${s.missed} missed, ${s.timeout} timeout, ${s.errors} errors; ` +
        `${s.expectedInvariant} by the expected invariant; median runs to detection ${s.medianRuns}`,
    );
  }
  for (const r of results) {
    if (r.message !== undefined) lines.push(`${r.id}: ${r.message}`);
  }
  lines.push(`wall time ${(totalWallMs / 1000).toFixed(1)} s`);
  return `${lines.join("\n")}\n`;
}
