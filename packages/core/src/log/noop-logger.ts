import type { Logger } from "./logger.js";

/** A {@link Logger} that discards every record: the default when no logger is given. */
export const noopLogger: Logger = Object.freeze({
  log(): void {},
});
