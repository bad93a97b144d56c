import { requireOneOf } from "../validate.js";
import { formatLogFields } from "./format-fields.js";
import { isLevelEnabled, LOG_LEVELS } from "./log-levels.js";
import type { LogFields, Logger, LogLevel } from "./logger.js";

/** The subset of `console` that {@link consoleLogger} writes to. */
export type ConsoleSink = Pick<Console, "debug" | "info" | "warn" | "error">;

/** Options for {@link consoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Records below this level are dropped. Default `"info"`. */
  readonly minLevel?: LogLevel;
  /** Where to write; default the global `console`. Tests pass their own sink. */
  readonly sink?: ConsoleSink;
}

/**
 * A production {@link Logger} that writes one line per record, `message {json fields}`, to the
 * console method of the record's level. Bigint fields are written as decimal strings.
 *
 * @throws TypeError when `minLevel` is not a log level.
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const minLevel = requireOneOf("minLevel", options.minLevel ?? "info", LOG_LEVELS);
  const sink = options.sink ?? console;
  return {
    log(level: LogLevel, message: string, fields?: LogFields): void {
      if (!isLevelEnabled(minLevel, level)) return;
      if (fields === undefined) sink[level](message);
      else sink[level](`${message} ${formatLogFields(fields)}`);
    },
  };
}
