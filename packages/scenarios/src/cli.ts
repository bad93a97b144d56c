#!/usr/bin/env node
/**
 * Entry point of `pnpm dsim …` (`tsx packages/scenarios/src/cli.ts`). The whole command lives in
 * `cli/main.ts`; this file only binds it to the process.
 */
import { processIo } from "./cli/io.js";
import { main } from "./cli/main.js";

try {
  process.exitCode = await main(process.argv.slice(2), processIo());
} catch (error) {
  process.stderr.write(
    `dsim: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
