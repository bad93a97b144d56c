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
  dsim list [--suites F]
  dsim run [suite...] [--runs N] [--seed S] [--shard k/n] [--reporter pretty|json|junit]
           [--out DIR] [--time-budget D] [--shrink-time D] [--shrink-steps N] [--check-determinism]
           [--corpus DIR | --no-corpus] [--save-failures DIR] [--suites F]
  dsim replay [--suites F] <suite> --path P [--seed S] [--trace FILE] [--html FILE] [--reporter pretty|json]
  dsim merge <report.json...> [--out DIR] [--reporter pretty|json|junit]
  dsim --help

suite files:
  --suites F        use the suites exported by F (a file or a quoted glob, TypeScript or
                    JavaScript; default export: a suite or an array of suites) instead of the
                    built-in ones; replay commands then repeat --suites F

run options:
  --runs N          runs per suite (default: each suite's own default)
  --seed S          run seed: any integer in [-(2^53-1), 2^53-1], e.g. a CI run id (default:
                    $DSIM_SEED, else 42); distinct seeds never share a run set
  --shard k/n       run the k-th of n contiguous blocks of the run set; the n shards together
                    run exactly the unsharded run set (the corpus is replayed by shard 1 only)
  --reporter R      pretty (default), json (one object on stdout) or junit (XML)
  --out DIR         also write DIR/report.json (and DIR/junit.xml with --reporter junit); DIR
                    is created, and checked to be writable, before any run
  --time-budget D   stop starting new runs after D of wall time (e.g. 30s, 2m, 500ms); without
                    --runs this is a sweep: each suite runs as many cases as its share of D fits
  --shrink-time D   stop shrinking a failure after D of wall time (default 60s) and report the
                    smallest failing case found so far, marked truncated
  --shrink-steps N  stop shrinking after N shrink attempts (default 2000), same report; shrinking
                    also stops when a step repeats an earlier counterexample (no progress)
  --check-determinism
                    run every case twice in fresh simulations; fail on the first diverging
                    trace event when the digests differ (no shrinking); cases whose property
                    fails the same way twice do not stop or fail the run: they are listed as
                    notes (count, first replay command)
  --corpus DIR      regression corpus replayed before the suites (default: packages/scenarios/
                    corpus); every saved case must pass
  --no-corpus       do not replay the corpus
  --save-failures DIR
                    save each new failure as DIR/<suite>--<seed>--<path>.json (a corpus entry)

replay options:
  --seed S --path P the failing case, exactly as printed by \`dsim run\`; a path that does not
                    decode for the suite's arbitrary is a usage error (exit 2)
  --trace FILE      write the replayed run's trace as JSONL
  --html FILE       write the replayed run as a self-contained HTML swimlane timeline

merge options:
  --out DIR         write DIR/report.json, DIR/junit.xml and DIR/summary.txt
  --reporter R      what to print on stdout: pretty (default), json or junit

environment:
  DSIM_SEED         default seed
  DSIM_DEMO=1       list and run demo suites (deliberately failing examples)

exit status: 0 all runs passed, 1 a property failed (merge: or a shard is missing), 2 usage error
`;
