export type { LogFields, Logger, LogLevel } from "./logger.js";
