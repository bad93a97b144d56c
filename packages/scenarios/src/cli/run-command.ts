import { join } from "node:path";
import { formatJson } from "../reporters/json.js";
import { formatJunit } from "../reporters/junit.js";
import { formatPretty, ProgressPrinter } from "../reporters/pretty.js";
import { runSuite } from "../runner/run-suite.js";
import { shardRange } from "../runner/shard.js";
import type { Suite } from "../runner/suite.js";
import type { SuiteResult } from "../runner/types.js";
import { type CliIo, writeTextFile } from "./io.js";
import { booleanFlag, parseCommand, stringFlag } from "./parse.js";
import { selectSuites } from "./select-suites.js";
import { ExitCode, HELP } from "./usage.js";
import { chooseSeed, parseReporter, parseRuns, parseShardFlag, parseTimeBudget } from "./values.js";

const OPTIONS = {
  runs: { type: "string" },
  seed: { type: "string" },
  shard: { type: "string" },
  reporter: { type: "string" },
  out: { type: "string" },
  "time-budget": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * `dsim run`: checks the selected suites one after another with one seed and writes the report.
 * The time budget is shared by all suites of the invocation: a suite that starts after it is spent
 * runs nothing and is reported as interrupted.
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
  const selected = selectSuites(registry, parsed.positionals, io.env);

  const wallClock = io.wallClock ?? (() => performance.now());
  io.stderr(
    source === "default"
      ? `dsim: seed ${seed} (default; set --seed or DSIM_SEED to change it)\n`
      : `dsim: seed ${seed} (from ${source})\n`,
  );
  const progress = new ProgressPrinter(io.stderr, wallClock);
  const started = wallClock();
  const results: SuiteResult[] = [];
  for (const suite of selected) {
    const remaining =
      timeBudgetMs === undefined ? undefined : timeBudgetMs - (wallClock() - started);
    const planned = runs ?? suite.defaultRuns;
    const { start, end } = shardRange(planned, shard);
    progress.start(suite.name, end - start);
    const result = await runSuite(suite, {
      seed,
      runs: planned,
      ...(shard === undefined ? {} : { shard }),
      // A spent budget still goes through the runner so the suite is reported as interrupted.
      ...(remaining === undefined ? {} : { timeBudgetMs: Math.max(remaining, 0) }),
      wallClock,
      onProgress: (p) => progress.progress(p),
    });
    progress.finish(result);
    results.push(result);
  }

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
