/** A bad command line: the CLI prints the message and exits with status 2. */
export class UsageError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Exit statuses of the `dsim` command. */
export const ExitCode = {
  /** Every run passed (for `replay`: the case passed). */
  OK: 0,
  /** A property failed (for `replay`: the case failed, i.e. the failure reproduced). */
  FAILED: 1,
  /** The command line was wrong. */
  USAGE: 2,
} as const;

/** `dsim --help`. */
export const HELP = `dsim: deterministic simulation testing for client resilience code

usage:
  dsim list
  dsim run [suite...] [--runs N] [--seed S] [--shard k/n] [--reporter pretty|json|junit]
           [--out DIR] [--time-budget D]
  dsim replay <suite> --path P [--seed S] [--trace FILE] [--reporter pretty|json]
  dsim --help

run options:
  --runs N          runs per suite (default: each suite's own default)
  --seed S          fast-check seed, an integer (default: $DSIM_SEED, else 42)
  --shard k/n       run the k-th of n contiguous blocks of the run set; the n shards together
                    run exactly the unsharded run set
  --reporter R      pretty (default), json (one object on stdout) or junit (XML)
  --out DIR         also write DIR/report.json (and DIR/junit.xml with --reporter junit)
  --time-budget D   stop starting new runs after D of wall time (e.g. 30s, 2m, 500ms)

replay options:
  --seed S --path P the failing case, exactly as printed by \`dsim run\`
  --trace FILE      write the replayed run's trace as JSONL

environment:
  DSIM_SEED         default seed
  DSIM_DEMO=1       list and run demo suites (deliberately failing examples)

exit status: 0 all runs passed, 1 a property failed, 2 usage error
`;
