/** Severity of a {@link Logger} record. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Structured context attached to a log record. Values must be JSON-serialisable (bigint allowed). */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Optional structured logger port. Production wires it to its logs; the simulation records every
 * record into the trace.
 */
export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}
