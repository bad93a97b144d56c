import { parseDuration } from "../runner/duration.js";
import { parseShard, type Shard } from "../runner/shard.js";
import { UsageError } from "./usage.js";

/** The seed used when neither `--seed` nor `DSIM_SEED` is given. */
export const DEFAULT_SEED = 42;

const MIN_SEED = -0x80000000;
const MAX_SEED = 0xffffffff;

/** Parses a seed (a 32-bit integer, signed or unsigned); `what` names its origin in errors. */
export function parseSeed(text: string, what: string): number {
  if (!/^-?\d+$/.test(text.trim())) {
    throw new UsageError(`${what}: "${text}" is not an integer seed`);
  }
  const seed = Number(text);
  if (seed < MIN_SEED || seed > MAX_SEED) {
    throw new UsageError(`${what}: seed ${text} is outside [${MIN_SEED}, ${MAX_SEED}]`);
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
