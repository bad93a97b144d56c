import { test } from "vitest";
import { parseSeed } from "../cli/values.js";
import { toJsonValue } from "../reporters/json-value.js";
import { formatFailure } from "../reporters/pretty.js";
import { replayCase } from "../runner/replay-case.js";
import { runSuite } from "../runner/run-suite.js";
import type { Suite } from "../runner/suite.js";

/** Options of {@link dsimTest}. */
export interface DsimTestOptions {
  /** The test's name (default: the suite's name). */
  readonly name?: string;
  /** Runs of the property (default: the suite's `defaultRuns`). */
  readonly runs?: number;
  /** The fast-check seed (default: `DSIM_SEED`, else 42), so every run of the test is the same. */
  readonly seed?: number;
  /**
   * The file that exports the suite (as `dsim --suites` should be given it, e.g.
   * `./my.suite.ts`): the failure message then also holds the `npx dsim replay` command, whose
   * `--html` option draws the failing case as a timeline.
   */
  readonly suiteFile?: string;
  /**
   * Execute each case twice and fail on a digest difference (see `dsim run --check-determinism`);
   * a case whose property fails (the same way twice) still fails the test, unshrunk.
   */
  readonly checkDeterminism?: boolean;
  /** vitest's timeout for the test in wall ms (default 60 000). */
  readonly timeout?: number;
}

const DEFAULT_SEED = 42;

function seedOf(options: DsimTestOptions): number {
  if (options.seed !== undefined) return options.seed;
  const fromEnv = process.env.DSIM_SEED;
  return fromEnv === undefined || fromEnv === "" ? DEFAULT_SEED : parseSeed(fromEnv, "DSIM_SEED");
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** The command that replays one case inside vitest (`DSIM_PATH` makes dsimTest replay it). */
function vitestReplay(testName: string, seed: number, path: string): string {
  return `DSIM_SEED=${seed} DSIM_PATH=${path} npx vitest run -t ${quote(testName)}`;
}

/**
 * Checks a suite's property inside vitest, like `@fast-check/vitest`'s `test.prop`: registers one
 * test that runs the suite with a fixed seed, each case in a fresh seeded simulation. On failure
 * the test fails with the broken invariant, the shrunk plan, the digest and the exact replay
 * commands (the `dsim` CLI's, when `suiteFile` is given, and vitest's).
 *
 * With `DSIM_PATH` set (as the printed vitest command does), the test replays exactly that case
 * instead, and fails again if it still breaks the invariant.
 *
 * @example
 * ```ts
 * import { dsimTest } from "@dsim/scenarios/vitest";
 * import suite from "./my.suite.js";
 * dsimTest(suite, { runs: 200, suiteFile: "./my.suite.ts" });
 * ```
 */
export function dsimTest<C>(suite: Suite<C>, options: DsimTestOptions = {}): void {
  test(options.name ?? suite.name, () => dsimCheck(suite, options), options.timeout ?? 60_000);
}

/**
 * The body of {@link dsimTest}, usable in any test runner: resolves when the property holds,
 * rejects with the failure report (invariant, plan, digest, replay commands) when it does not.
 * Reads `DSIM_SEED` and `DSIM_PATH` like {@link dsimTest}.
 */
export async function dsimCheck<C>(suite: Suite<C>, options: DsimTestOptions = {}): Promise<void> {
  const name = options.name ?? suite.name;
  const withFile: Suite<C> =
    options.suiteFile === undefined ? suite : { ...suite, source: options.suiteFile };
  const seed = seedOf(options);
  const path = process.env.DSIM_PATH;
  if (path !== undefined && path !== "") {
    const replayed = await replayCase(withFile, { seed, path });
    if (!replayed.failed) return;
    throw new Error(
      [
        `dsim: replayed ${suite.name} (seed ${seed}, path "${path}") still fails`,
        `  invariant: ${replayed.invariant ?? ""}`,
        `  message:   ${replayed.message ?? ""}`,
        `  plan:      ${JSON.stringify(toJsonValue(replayed.plan))}`,
        `  digest:    ${replayed.digest}`,
      ].join("\n"),
    );
  }
  const result = await runSuite(withFile, {
    seed,
    ...(options.runs === undefined ? {} : { runs: options.runs }),
    ...(options.checkDeterminism === true ? { checkDeterminism: true } : {}),
  });
  // Under checkDeterminism a deterministic property failure does not fail the run; it still
  // fails the test.
  const failure = result.failure ?? result.propertyFailures?.[0];
  if (failure === undefined) return;
  const lines = [formatFailure(suite.name, failure)];
  if (options.suiteFile === undefined) {
    lines.push("  (give dsimTest the suiteFile option to get the `npx dsim replay` command)");
  }
  lines.push(`  in vitest: ${vitestReplay(name, failure.seed, failure.path)}`);
  throw new Error(`dsim: ${lines.join("\n")}`);
}
