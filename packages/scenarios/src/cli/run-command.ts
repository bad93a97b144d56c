import { join } from "node:path";
import { corpusEntryOf } from "../corpus/corpus-entry.js";
import {
  corpusFiles,
  DEFAULT_CORPUS_DIR,
  loadCorpus,
  saveCorpusEntry,
} from "../corpus/corpus-store.js";
import { replayCorpus } from "../corpus/replay-corpus.js";
import { formatJson } from "../reporters/json.js";
import { formatJunit } from "../reporters/junit.js";
import { formatPretty, ProgressPrinter } from "../reporters/pretty.js";
import { DETERMINISM_INVARIANT } from "../runner/determinism.js";
import { runSuite } from "../runner/run-suite.js";
import { shardRange } from "../runner/shard.js";
import type { Suite } from "../runner/suite.js";
import type { SuiteResult } from "../runner/types.js";
import { type CliIo, writeTextFile } from "./io.js";
import { prepareOutputDir, requireInputDir } from "./output-paths.js";
import { booleanFlag, parseCommand, stringFlag } from "./parse.js";
import { selectSuites } from "./select-suites.js";
import { ExitCode, HELP, UsageError } from "./usage.js";
import {
  chooseSeed,
  parseReporter,
  parseRuns,
  parseShardFlag,
  parseShrinkSteps,
  parseShrinkTime,
  parseTimeBudget,
} from "./values.js";

const OPTIONS = {
  runs: { type: "string" },
  seed: { type: "string" },
  shard: { type: "string" },
  reporter: { type: "string" },
  out: { type: "string" },
  "time-budget": { type: "string" },
  "shrink-time": { type: "string" },
  "shrink-steps": { type: "string" },
  "check-determinism": { type: "boolean" },
  corpus: { type: "string" },
  "no-corpus": { type: "boolean" },
  "save-failures": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * Runs per suite in sweep mode (`--time-budget` without `--runs`): more than any budget fits, so
 * the budget, not the count, ends the suite. Shards split this run set like any other.
 */
export const SWEEP_RUNS = 1_000_000;

/**
 * `dsim run`: replays the regression corpus of the selected suites first (each entry its own row;
 * see `corpus/replay-corpus.ts`), then checks the selected suites one after another with one seed
 * and writes the report.
 *
 * Time budget: with `--runs`, the budget is shared by all suites of the invocation in order, and a
 * suite that starts after it is spent runs nothing and is reported as interrupted. Without
 * `--runs` it is a sweep: each suite may run up to {@link SWEEP_RUNS} and gets an equal share of
 * what is left of the budget when it starts.
 *
 * With `--shard k/n` the corpus is replayed by shard 1 only, so merged shard reports hold each
 * corpus row once.
 */
export async function runCommand(
  args: readonly string[],
  io: CliIo,
  registry: readonly Suite<unknown>[],
): Promise<number> {
  const parsed = parseCommand("run", args, OPTIONS);
  if (booleanFlag(parsed, "help")) {
    io.stdout(HELP);
    return ExitCode.OK;
  }
  // Validate every flag before running anything: a typo must not cost a long run.
  const { seed, source } = chooseSeed(stringFlag(parsed, "seed"), io.env);
  const runsText = stringFlag(parsed, "runs");
  const runs = runsText === undefined ? undefined : parseRuns(runsText);
  const shardText = stringFlag(parsed, "shard");
  const shard = shardText === undefined ? undefined : parseShardFlag(shardText);
  const reporter = parseReporter(stringFlag(parsed, "reporter"), ["pretty", "json", "junit"]);
  const budgetText = stringFlag(parsed, "time-budget");
  const timeBudgetMs = budgetText === undefined ? undefined : parseTimeBudget(budgetText);
  const outDir = stringFlag(parsed, "out");
  const checkDeterminism = booleanFlag(parsed, "check-determinism");
  const corpusFlag = stringFlag(parsed, "corpus");
  const noCorpus = booleanFlag(parsed, "no-corpus");
  if (noCorpus && corpusFlag !== undefined) {
    throw new UsageError("run: --corpus and --no-corpus exclude each other");
  }
  const saveDir = stringFlag(parsed, "save-failures");
  if (saveDir === "") throw new UsageError("--save-failures: needs a directory");
  const shrinkTimeText = stringFlag(parsed, "shrink-time");
  const shrinkTimeMs = shrinkTimeText === undefined ? undefined : parseShrinkTime(shrinkTimeText);
  const shrinkStepsText = stringFlag(parsed, "shrink-steps");
  const shrinkSteps = shrinkStepsText === undefined ? undefined : parseShrinkSteps(shrinkStepsText);
  const selected = selectSuites(registry, parsed.positionals, io.env);
  // Where the results go is checked before any run: a report that cannot be written must not cost
  // the runs, and an explicit corpus directory that is missing is a typo, not an empty corpus.
  if (outDir !== undefined) await prepareOutputDir("--out", outDir);
  if (saveDir !== undefined) await prepareOutputDir("--save-failures", saveDir);
  if (corpusFlag !== undefined && !noCorpus) await requireInputDir("--corpus", corpusFlag);
  const sweep = timeBudgetMs !== undefined && runs === undefined;

  const wallClock = io.wallClock ?? (() => performance.now());
  io.stderr(
    source === "default"
      ? `dsim: seed ${seed} (default; set --seed or DSIM_SEED to change it)\n`
      : `dsim: seed ${seed} (from ${source})\n`,
  );
  const started = wallClock();
  const results: SuiteResult[] = [];

  // The corpus goes first: a regression is the cheapest failure to find.
  if (!noCorpus && (shard === undefined || shard.index === 1)) {
    const corpusDir = corpusFlag ?? DEFAULT_CORPUS_DIR;
    let entries: Awaited<ReturnType<typeof loadCorpus>>;
    try {
      entries = await loadCorpus(corpusDir);
    } catch (error) {
      if (error instanceof TypeError) throw new UsageError(`--corpus: ${error.message}`);
      const code = (error as { code?: unknown }).code;
      if (typeof code === "string") {
        throw new UsageError(`--corpus: cannot read "${corpusDir}" (${code})`);
      }
      throw error;
    }
    const { rows, unknown } = await replayCorpus(selected, registry, entries, { wallClock });
    for (const stored of unknown) {
      io.stderr(
        `dsim: corpus entry ${stored.file} names unknown suite "${stored.entry.suite}"; skipped\n`,
      );
    }
    if (rows.length > 0) {
      const failed = rows.filter((row) => row.failures > 0).length;
      io.stderr(`dsim: corpus: ${rows.length} case(s) replayed, ${failed} failed\n`);
    }
    results.push(...rows);
  }

  const progress = new ProgressPrinter(io.stderr, wallClock);
  for (const [index, suite] of selected.entries()) {
    const left = timeBudgetMs === undefined ? undefined : timeBudgetMs - (wallClock() - started);
    const remaining =
      left === undefined || !sweep ? left : Math.max(left, 0) / (selected.length - index);
    const planned = runs ?? (sweep ? SWEEP_RUNS : suite.defaultRuns);
    const { start, end } = shardRange(planned, shard);
    progress.start(suite.name, end - start, sweep ? Math.max(remaining ?? 0, 0) : undefined);
    const result = await runSuite(suite, {
      seed,
      runs: planned,
      ...(shard === undefined ? {} : { shard }),
      // A spent budget still goes through the runner so the suite is reported as interrupted.
      ...(remaining === undefined ? {} : { timeBudgetMs: Math.max(remaining, 0) }),
      ...(checkDeterminism ? { checkDeterminism } : {}),
      ...(shrinkTimeMs === undefined ? {} : { shrinkTimeMs }),
      ...(shrinkSteps === undefined ? {} : { shrinkSteps }),
      wallClock,
      onProgress: (p) => progress.progress(p),
    });
    progress.finish(result);
    results.push(result);
  }

  if (saveDir !== undefined) await saveFailures(saveDir, results, io);
  if (outDir !== undefined) {
    await writeTextFile(join(outDir, "report.json"), formatJson(seed, results));
  }
  if (reporter === "json") {
    io.stdout(formatJson(seed, results));
  } else if (reporter === "junit") {
    const xml = formatJunit(seed, results);
    if (outDir === undefined) {
      io.stdout(xml);
    } else {
      const file = join(outDir, "junit.xml");
      await writeTextFile(file, xml);
      io.stderr(`dsim: wrote ${file}\n`);
    }
  } else {
    io.stdout(formatPretty(seed, results));
  }
  return results.some((result) => result.failures > 0) ? ExitCode.FAILED : ExitCode.OK;
}

/**
 * Saves each new failure of the run to the corpus directory. Corpus rows are not saved again
 * (they are already there), nor are determinism failures (a non-deterministic case does not
 * replay reliably, so it makes a flaky regression test).
 */
async function saveFailures(
  dir: string,
  results: readonly SuiteResult[],
  io: CliIo,
): Promise<void> {
  const existing = await corpusFiles(dir);
  for (const result of results) {
    const failure = result.failure;
    if (failure === undefined || result.corpus !== undefined) continue;
    if (failure.invariant === DETERMINISM_INVARIANT) continue;
    const saved = await saveCorpusEntry(dir, corpusEntryOf(result.name, failure), existing);
    io.stderr(`dsim: ${saved.added ? "saved" : "already saved"} failure to ${saved.path}\n`);
  }
}
