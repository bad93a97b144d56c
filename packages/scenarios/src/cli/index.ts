/** The `dsim` command line, callable in-process. */
export type { CliIo } from "./io.js";
export { processIo } from "./io.js";
export { main } from "./main.js";
export { ExitCode, HELP, UsageError } from "./usage.js";
export { DEFAULT_SEED } from "./values.js";
