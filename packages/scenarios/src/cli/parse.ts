import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./usage.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parsed flags (strings and booleans) and positionals of one command. */
export interface ParsedCommand {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * Joins `--flag -123` into `--flag=-123` for string flags: `parseArgs` refuses a value that starts
 * with a dash, and a negative seed is a value, not a flag.
 */
function joinNegativeNumbers(args: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const next = args[i + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    if (
      name !== undefined &&
      options[name]?.type === "string" &&
      next !== undefined &&
      /^-\d+$/.test(next)
    ) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * `parseArgs` in strict mode, with its errors (unknown flag, missing value) turned into
 * {@link UsageError}s that name the command, on one line.
 */
export function parseCommand(
  command: string,
  args: readonly string[],
  options: Options,
): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeNumbers(args, options),
      options,
      strict: true,
      allowPositionals: true,
    });
    const flat: Record<string, string | boolean | undefined> = {};
    for (const [key, value] of Object.entries(values)) {
      flat[key] = Array.isArray(value) ? value.at(-1) : value;
    }
    return { values: flat, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${command}: ${message.split("\n").join(" ")}`);
  }
}

/** A string flag's value (`undefined` when absent). */
export function stringFlag(parsed: ParsedCommand, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === "string" ? value : undefined;
}

/** A boolean flag's value. */
export function booleanFlag(parsed: ParsedCommand, name: string): boolean {
  return parsed.values[name] === true;
}
