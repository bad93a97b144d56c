import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { formatJson } from "../reporters/json.js";
import { formatJunit } from "../reporters/junit.js";
import { formatPretty } from "../reporters/pretty.js";
import { mergeReports } from "../sweep/merge-reports.js";
import { parseRunReport, type RunReport } from "../sweep/parse-report.js";
import { type CliIo, writeTextFile } from "./io.js";
import { prepareOutputDir } from "./output-paths.js";
import { booleanFlag, parseCommand, stringFlag } from "./parse.js";
import { ExitCode, HELP, UsageError } from "./usage.js";
import { parseReporter } from "./values.js";

const OPTIONS = {
  out: { type: "string" },
  reporter: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * `dsim merge <report.json…> [--out DIR]`: merges the JSON reports of a sharded sweep (see
 * `sweep/merge-reports.ts`) and prints one summary; with `--out` also writes `DIR/report.json`,
 * `DIR/junit.xml` and `DIR/summary.txt`. Exits 1 when a suite failed or a shard is missing, 2 when
 * a report cannot be read or the reports do not belong together.
 */
export async function mergeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommand("merge", args, OPTIONS);
  if (booleanFlag(parsed, "help")) {
    io.stdout(HELP);
    return ExitCode.OK;
  }
  const files = parsed.positionals;
  if (files.length === 0) throw new UsageError("merge: give at least one report.json");
  const reporter = parseReporter(stringFlag(parsed, "reporter"), ["pretty", "json", "junit"]);
  const outDir = stringFlag(parsed, "out");
  if (outDir !== undefined) await prepareOutputDir("--out", outDir);

  const reports: RunReport[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new UsageError(
        `merge: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    try {
      reports.push(parseRunReport(text, file));
    } catch (error) {
      throw new UsageError(`merge: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let merged: ReturnType<typeof mergeReports>;
  try {
    merged = mergeReports(reports);
  } catch (error) {
    throw new UsageError(`merge: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { seed, results, problems } = merged;
  for (const problem of problems) io.stderr(`dsim: merge: ${problem}\n`);

  const pretty = formatPretty(seed, results);
  if (outDir !== undefined) {
    await writeTextFile(join(outDir, "report.json"), formatJson(seed, results));
    await writeTextFile(join(outDir, "junit.xml"), formatJunit(seed, results));
    await writeTextFile(join(outDir, "summary.txt"), pretty);
    io.stderr(`dsim: wrote ${join(outDir, "report.json")}, junit.xml and summary.txt\n`);
  }
  if (reporter === "json") io.stdout(formatJson(seed, results));
  else if (reporter === "junit") io.stdout(formatJunit(seed, results));
  else io.stdout(pretty);
  const failed = results.some((result) => result.failures > 0) || problems.length > 0;
  return failed ? ExitCode.FAILED : ExitCode.OK;
}
