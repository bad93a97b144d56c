export { type ConsoleLoggerOptions, type ConsoleSink, consoleLogger } from "./console-logger.js";
export { formatLogFields } from "./format-fields.js";
export { isLevelEnabled, LOG_LEVELS } from "./log-levels.js";
export type { LogFields, Logger, LogLevel } from "./logger.js";
export { noopLogger } from "./noop-logger.js";
