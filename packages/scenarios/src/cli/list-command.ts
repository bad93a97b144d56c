import { formatTable } from "../reporters/format.js";
import type { Suite } from "../runner/suite.js";
import type { CliIo } from "./io.js";
import { parseCommand } from "./parse.js";
import { visibleSuites } from "./select-suites.js";
import { ExitCode, HELP, UsageError } from "./usage.js";

/** `dsim list`: the visible suites with their default runs and description. */
export function listCommand(
  args: readonly string[],
  io: CliIo,
  registry: readonly Suite<unknown>[],
): number {
  const parsed = parseCommand("list", args, { help: { type: "boolean", short: "h" } });
  if (parsed.values.help === true) {
    io.stdout(HELP);
    return ExitCode.OK;
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(`list: unexpected argument "${parsed.positionals[0] ?? ""}"`);
  }
  const rows = visibleSuites(registry, io.env).map((suite) => [
    suite.demo === true ? `${suite.name} (demo)` : suite.name,
    String(suite.defaultRuns),
    suite.description,
  ]);
  io.stdout(`${formatTable(["suite", "runs", "description"], rows)}\n`);
  return ExitCode.OK;
}
