import { toJsonValue } from "../reporters/json-value.js";
import { formatReplay } from "../reporters/pretty.js";
import { replayCase } from "../runner/replay-case.js";
import type { Suite } from "../runner/suite.js";
import { renderTimelineHtml } from "../timeline/render-html.js";
import { type CliIo, writeTextFile } from "./io.js";
import { prepareOutputFile } from "./output-paths.js";
import { booleanFlag, parseCommand, stringFlag } from "./parse.js";
import { findSuite } from "./select-suites.js";
import { ExitCode, HELP, UsageError } from "./usage.js";
import { chooseSeed, parseReporter } from "./values.js";

const OPTIONS = {
  seed: { type: "string" },
  path: { type: "string" },
  trace: { type: "string" },
  html: { type: "string" },
  reporter: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * `dsim replay <suite> --seed S --path P`: re-runs exactly one case and prints its verdict and
 * trace digest. Exits 1 when the case fails, as the run that reported it did. `--trace FILE` writes
 * the trace as JSONL, `--html FILE` as a self-contained swimlane timeline.
 */
export async function replayCommand(
  args: readonly string[],
  io: CliIo,
  registry: readonly Suite<unknown>[],
): Promise<number> {
  const parsed = parseCommand("replay", args, OPTIONS);
  if (booleanFlag(parsed, "help")) {
    io.stdout(HELP);
    return ExitCode.OK;
  }
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) throw new UsageError("replay: missing the suite name");
  if (extra.length > 0) throw new UsageError(`replay: unexpected argument "${extra[0] ?? ""}"`);
  const path = stringFlag(parsed, "path");
  if (path === undefined) throw new UsageError("replay: --path is required");
  if (!/^\d+(:\d+)*$/.test(path)) {
    throw new UsageError(`--path: "${path}" is not a path (numbers separated by ":")`);
  }
  const { seed, source } = chooseSeed(stringFlag(parsed, "seed"), io.env);
  const reporter = parseReporter(stringFlag(parsed, "reporter"), ["pretty", "json"]);
  const tracePath = stringFlag(parsed, "trace");
  const htmlPath = stringFlag(parsed, "html");
  const suite = findSuite(registry, name, io.env);
  if (tracePath !== undefined) await prepareOutputFile("--trace", tracePath);
  if (htmlPath !== undefined) await prepareOutputFile("--html", htmlPath);

  let result: Awaited<ReturnType<typeof replayCase>>;
  try {
    result = await replayCase(suite, {
      seed,
      path,
      ...(io.wallClock === undefined ? {} : { wallClock: io.wallClock }),
    });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`--path: ${error.message}`);
    throw error;
  }
  // Printed once the path decoded, so a usage error stays the only line.
  io.stderr(
    source === "default"
      ? `dsim: seed ${seed} (default; set --seed or DSIM_SEED to change it)\n`
      : `dsim: seed ${seed} (from ${source})\n`,
  );
  if (tracePath !== undefined) {
    await writeTextFile(tracePath, result.traceJsonl);
    io.stderr(`dsim: wrote trace to ${tracePath}\n`);
  }
  if (htmlPath !== undefined) {
    await writeTextFile(htmlPath, renderTimelineHtml(result));
    io.stderr(`dsim: wrote timeline to ${htmlPath}\n`);
  }
  if (reporter === "json") {
    const { traceJsonl: _trace, ...rest } = result;
    io.stdout(`${JSON.stringify(toJsonValue(rest))}\n`);
  } else {
    io.stdout(formatReplay(result));
  }
  if (!result.failed) {
    // A path that decodes is a case of this suite, but maybe not the one the user meant.
    io.stderr(
      `dsim: note: a path only names a case of the suite it was printed for; if "${path}" came from another suite than ${suite.name}, or from an older version of it, it selects a different case here\n`,
    );
  }
  return result.failed ? ExitCode.FAILED : ExitCode.OK;
}
