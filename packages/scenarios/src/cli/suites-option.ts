import { UsageError } from "./usage.js";

/** A command line with its `--suites` option taken out. */
export interface SuitesOption {
  /** The `--suites` value, when given. */
  readonly pattern: string | undefined;
  /** The other arguments, in order, for the command's own parser. */
  readonly rest: readonly string[];
}

/**
 * Takes `--suites <file or glob>` (or `--suites=…`) out of a command's arguments. It is handled
 * before the command parses its flags because it changes which suites the command sees, not
 * what the command does; options after `--` are left alone.
 */
export function extractSuitesOption(args: readonly string[]): SuitesOption {
  const rest: string[] = [];
  let pattern: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === "--suites") {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("-")) {
        throw new UsageError("--suites: needs a file or a glob");
      }
      if (pattern !== undefined) throw new UsageError("--suites: given more than once");
      pattern = value;
      i += 1;
    } else if (arg.startsWith("--suites=")) {
      if (pattern !== undefined) throw new UsageError("--suites: given more than once");
      pattern = arg.slice("--suites=".length);
    } else {
      rest.push(arg);
    }
  }
  return { pattern, rest };
}
