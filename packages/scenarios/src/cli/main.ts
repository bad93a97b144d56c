import type { Suite } from "../runner/suite.js";
import { suites } from "../suites/index.js";
import type { CliIo } from "./io.js";
import { listCommand } from "./list-command.js";
import { mergeCommand } from "./merge-command.js";
import { replayCommand } from "./replay-command.js";
import { runCommand } from "./run-command.js";
import { serveCommand } from "./serve-command.js";
import { ExitCode, HELP, UsageError } from "./usage.js";

/**
 * The `dsim` command, callable in-process: returns the exit status instead of exiting. Usage
 * errors print one line naming the bad flag or value and return 2.
 */
export async function main(
  argv: readonly string[],
  io: CliIo,
  registry: readonly Suite<unknown>[] = suites,
): Promise<number> {
  const [command, ...args] = argv;
  try {
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
        return listCommand(args, io, registry);
      case "run":
        return await runCommand(args, io, registry);
      case "replay":
        return await replayCommand(args, io, registry);
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
