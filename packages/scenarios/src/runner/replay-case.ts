import fc from "fast-check";
import { type CaseOutcome, executeCase, systemWallClock, type WallClock } from "./execute-case.js";
import { describeFailure } from "./failure.js";
import { suiteProperty } from "./property.js";
import { fastCheckSeed, validateRunSeed, worldSeed } from "./seed.js";
import type { Suite } from "./suite.js";
import type { ReplayResult } from "./types.js";

/** Options of {@link replayCase}. */
export interface ReplayCaseOptions {
  /** The run seed of the failing run (any safe integer, as printed). */
  readonly seed: number;
  /** The fast-check path of the case, e.g. `"3:1:0"`. */
  readonly path: string;
  /** Source of wall time for measurements. */
  readonly wallClock?: WallClock;
}

const PATH = /^\d+(:\d+)*$/;

/**
 * Re-runs exactly the case named by `{seed, path}`: `fc.check` with that seed and path, one run, no
 * shrinking. Only the first execution is the named case; if fast-check moves on (which it does only
 * when the case unexpectedly passes), later candidates are not executed. Returns the case's
 * verdict, digest and trace.
 */
export async function replayCase<C>(
  suite: Suite<C>,
  options: ReplayCaseOptions,
): Promise<ReplayResult> {
  validateRunSeed(options.seed);
  if (!PATH.test(options.path)) {
    throw new RangeError(`invalid path "${options.path}": expected numbers separated by ":"`);
  }
  const wallClock = options.wallClock ?? systemWallClock;
  let replayed: { readonly outcome: CaseOutcome; readonly testCase: C } | undefined;
  const property = suiteProperty(suite, async (generatedSeed, testCase) => {
    if (replayed !== undefined) return;
    const simSeed = worldSeed(options.seed, generatedSeed);
    const outcome = await executeCase(suite, simSeed, testCase, { wallClock, keepTrace: true });
    replayed = { outcome, testCase };
    if ("error" in outcome) throw outcome.error;
  });
  try {
    await fc.check(property, {
      seed: fastCheckSeed(options.seed),
      path: options.path,
      numRuns: 1,
      endOnFailure: true,
    });
  } catch (error) {
    // fast-check throws when a path walks past the shrink tree ("Unable to replay"): the path
    // was printed for another suite, another seed or another version of this suite's arbitrary.
    throw new RangeError(
      `path "${options.path}" does not decode for ${suite.name}'s arbitrary with seed ${
        options.seed
      } (a path only names a case of the suite and seed it was printed for): ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
  if (replayed === undefined) {
    throw new RangeError(
      `path "${options.path}" does not decode for ${suite.name}'s arbitrary with seed ${
        options.seed
      }: it selects no case`,
    );
  }
  const { outcome, testCase } = replayed;
  const failed = "error" in outcome;
  const verdict = failed ? describeFailure(outcome.error) : undefined;
  return {
    name: suite.name,
    seed: options.seed,
    path: options.path,
    simSeed: outcome.simSeed,
    plan: suite.plan(testCase),
    digest: outcome.digest,
    simulatedMs: outcome.simulatedMs,
    wallMs: outcome.wallMs,
    failed,
    ...(verdict === undefined
      ? {}
      : { invariant: verdict.invariant, message: verdict.message, details: verdict.details }),
    traceJsonl: outcome.traceJsonl ?? "",
  };
}
