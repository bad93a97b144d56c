import { availableParallelism } from "node:os";

/** The command line of `pnpm mutants`. */
export interface MutantsArgs {
  /** Suites to run (all when empty). */
  readonly suites: readonly string[];
  /** Only these mutant ids (all when empty). */
  readonly only: readonly string[];
  readonly seed: number;
  readonly runs: number;
  readonly json: boolean;
  readonly jobs: number;
  /** Per-child timeout. */
  readonly timeoutMs: number;
  /** The commit the patches apply to. */
  readonly base: string;
  /** Where the scratch worktrees live (undefined: under the OS temp dir). */
  readonly workdir: string | undefined;
  /** Run each suite unmutated first (it must pass, or every "caught" would mean nothing). */
  readonly baseline: boolean;
  /** Exit 1 when a suite's score is below this percentage. */
  readonly minScore: number | undefined;
}

/** `pnpm mutants --help`. */
export const MUTANTS_HELP = `usage: pnpm mutants [suite...] [--seed S] [--runs N] [--json] [--jobs J]
                    [--only id,id] [--timeout SECONDS] [--base REV] [--workdir DIR]
                    [--no-baseline] [--min-score PERCENT]

Applies each patch under packages/scenarios/mutants/<suite>/ to a scratch git worktree of REV
(default HEAD), runs the suite there in a child process, and prints a score table.
  --seed S         fast-check seed (default $DSIM_SEED, else 42)
  --runs N         runs per mutant (default 1000)
  --json           print the results as one JSON object instead of the table
  --jobs J         mutants run at once, one worktree each (default min(2, CPUs))
  --timeout S      a child still running after S seconds is killed: "timeout" (default 600)
  --no-baseline    skip the unmutated control run of each suite
  --min-score P    exit 1 when a suite's score is below P %
Exit status: 0 ok; 1 a patch no longer applies, a mutated suite crashed, a baseline failed, or
a score is below --min-score; 2 bad command line.`;

function integer(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || !/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new RangeError(`${flag} needs an integer ≥ ${min}, got ${String(value)}`);
  }
  return n;
}

/**
 * Parses `argv` (without node and the script).
 *
 * @throws RangeError naming the flag for a bad or missing value or an unknown flag.
 */
export function parseMutantsArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): MutantsArgs {
  const suites: string[] = [];
  let only: string[] = [];
  const envSeed = env.DSIM_SEED;
  let seed = envSeed === undefined || envSeed === "" ? 42 : integer("DSIM_SEED", envSeed, 0);
  let runs = 1000;
  let json = false;
  let jobs = Math.max(1, Math.min(2, availableParallelism()));
  let timeoutMs = 600_000;
  let base = "HEAD";
  let workdir: string | undefined;
  let baseline = true;
  let minScore: number | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    const value = (): string => {
      i += 1;
      const v = argv[i];
      if (v === undefined) throw new RangeError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case "--seed":
        seed = integer(arg, value(), 0);
        break;
      case "--runs":
        runs = integer(arg, value(), 1);
        break;
      case "--json":
        json = true;
        break;
      case "--jobs":
        jobs = integer(arg, value(), 1);
        break;
      case "--timeout":
        timeoutMs = integer(arg, value(), 1) * 1000;
        break;
      case "--only":
        only = value()
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "");
        break;
      case "--base":
        base = value();
        break;
      case "--workdir":
        workdir = value();
        break;
      case "--no-baseline":
        baseline = false;
        break;
      case "--min-score":
        minScore = integer(arg, value(), 0);
        break;
      default:
        if (arg.startsWith("-")) throw new RangeError(`unknown option ${arg}`);
        suites.push(arg);
    }
  }
  return { suites, only, seed, runs, json, jobs, timeoutMs, base, workdir, baseline, minScore };
}
