import type { LogLevel } from "./logger.js";

/** Every {@link LogLevel}, from least to most severe. */
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze(["debug", "info", "warn", "error"]);

/** True when a record at `level` passes a threshold of `minLevel`. */
export function isLevelEnabled(minLevel: LogLevel, level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(minLevel);
}
