import { parseDuration } from "../runner/duration.js";
import { MAX_RUN_SEED, MIN_RUN_SEED } from "../runner/seed.js";
import { parseShard, type Shard } from "../runner/shard.js";
import { UsageError } from "./usage.js";

/** The seed used when neither `--seed` nor `DSIM_SEED` is given. */
export const DEFAULT_SEED = 42;

/**
 * Parses a seed: any decimal integer in [−(2^53−1), 2^53−1], so a CI run id fits; `what` names its
 * origin in errors. Distinct seeds give distinct run sets (see `runner/seed.ts`).
 */
export function parseSeed(text: string, what: string): number {
  if (!/^-?\d+$/.test(text.trim())) {
    throw new UsageError(`${what}: "${text}" is not an integer seed`);
  }
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < MIN_RUN_SEED || seed > MAX_RUN_SEED) {
    throw new UsageError(`${what}: seed ${text} is outside [${MIN_RUN_SEED}, ${MAX_RUN_SEED}]`);
  }
  return seed;
}

/** The seed to use and where it came from, for the line that tells the user. */
export interface SeedChoice {
  readonly seed: number;
  readonly source: "--seed" | "DSIM_SEED" | "default";
}

/** `--seed`, else `DSIM_SEED`, else {@link DEFAULT_SEED}. */
export function chooseSeed(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): SeedChoice {
  if (flag !== undefined) return { seed: parseSeed(flag, "--seed"), source: "--seed" };
  const fromEnv = env.DSIM_SEED;
  if (fromEnv !== undefined && fromEnv !== "") {
    return { seed: parseSeed(fromEnv, "DSIM_SEED"), source: "DSIM_SEED" };
  }
  return { seed: DEFAULT_SEED, source: "default" };
}

/** Parses `--runs`: a positive integer. */
export function parseRuns(text: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new UsageError(`--runs: "${text}" is not a positive integer`);
  }
  const runs = Number(text);
  if (!Number.isSafeInteger(runs) || runs < 1) {
    throw new UsageError(`--runs: "${text}" is not a positive integer`);
  }
  return runs;
}

/** Parses `--shard k/n`. */
export function parseShardFlag(text: string): Shard {
  try {
    return parseShard(text);
  } catch (error) {
    throw new UsageError(`--shard: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Parses `--time-budget`. */
export function parseTimeBudget(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(
      `--time-budget: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Parses `--shrink-time`: a duration, like `--time-budget`. */
export function parseShrinkTime(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(
      `--shrink-time: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Parses `--shrink-steps`: a non-negative integer (0 reports the failing case unshrunk). */
export function parseShrinkSteps(text: string): number {
  const steps = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(steps)) {
    throw new UsageError(`--shrink-steps: "${text}" is not a non-negative integer`);
  }
  return steps;
}

/** Reporters `dsim run` knows. */
export type ReporterName = "pretty" | "json" | "junit";

/** Parses `--reporter` against the names allowed for the command. */
export function parseReporter<R extends ReporterName>(
  text: string | undefined,
  allowed: readonly R[],
): R | "pretty" {
  if (text === undefined) return "pretty";
  const found = allowed.find((name) => name === text);
  if (found === undefined) {
    throw new UsageError(`--reporter: unknown reporter "${text}" (expected ${allowed.join(", ")})`);
  }
  return found;
}
