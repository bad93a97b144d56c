import type { Suite } from "../runner/suite.js";
import { suites } from "../suites/index.js";
import type { CliIo } from "./io.js";
import { listCommand } from "./list-command.js";
import { mergeCommand } from "./merge-command.js";
import { replayCommand } from "./replay-command.js";
import { runCommand } from "./run-command.js";
import { serveCommand } from "./serve-command.js";
import { loadSuites } from "./suites-loader.js";
import { extractSuitesOption } from "./suites-option.js";
import { ExitCode, HELP, UsageError } from "./usage.js";

/**
 * The `dsim` command, callable in-process: returns the exit status instead of exiting. Usage
 * errors print one line naming the bad flag or value and return 2. `list`, `run` and `replay`
 * take `--suites <file or glob>` to work on user suites instead of `registry`.
 */
export async function main(
  argv: readonly string[],
  io: CliIo,
  registry: readonly Suite<unknown>[] = suites,
): Promise<number> {
  const [command, ...commandArgs] = argv;
  try {
    let args: readonly string[] = commandArgs;
    let active = registry;
    if (command === "list" || command === "run" || command === "replay") {
      // `--suites` swaps the built-in registry for the user's suites; the command is unchanged.
      const { pattern, rest } = extractSuitesOption(commandArgs);
      args = rest;
      if (pattern !== undefined) active = await loadSuites(pattern, process.cwd());
    }
    switch (command) {
      case undefined:
        io.stderr(HELP);
        return ExitCode.USAGE;
      case "--help":
      case "-h":
      case "help":
        io.stdout(HELP);
        return ExitCode.OK;
      case "list":
        return listCommand(args, io, active);
      case "run":
        return await runCommand(args, io, active);
      case "replay":
        return await replayCommand(args, io, active);
      case "merge":
        return await mergeCommand(args, io);
      case "serve":
        return await serveCommand(args, io);
      default:
        throw new UsageError(
          command.startsWith("-")
            ? `unknown option "${command}" (a command comes first: list, run, replay, merge, serve)`
            : `unknown command "${command}" (expected list, run, replay, merge or serve)`,
        );
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`dsim: ${error.message}\nRun \`dsim --help\` for usage.\n`);
      return ExitCode.USAGE;
    }
    throw error;
  }
}
