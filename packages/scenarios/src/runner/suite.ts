import type { Simulation, SimulationOptions, TraceValue } from "@dsim/sim-server";
import type fc from "fast-check";

/**
 * A property suite: an arbitrary that generates one case (world config, workload, fault plan) and
 * a function that runs that case in a fresh {@link Simulation} and throws {@link InvariantViolation}
 * when an invariant breaks. The runner owns the simulation (its seed comes from the generated case),
 * the trace and the digest, so every suite gets seeds, replay and reporting for free.
 */
export interface Suite<C> {
  /** Unique, kebab-case: the name used on the command line. */
  readonly name: string;
  /** One line for `dsim list`. */
  readonly description: string;
  /** Runs used by `dsim run` when `--runs` is not given. */
  readonly defaultRuns: number;
  /** A demo suite is listed and run only when the environment has `DSIM_DEMO=1`. */
  readonly demo?: boolean;
  /**
   * Extra options for the {@link Simulation} the runner creates for each case (e.g.
   * `traceMessages`, `maxEvents`). The runner always sets `seed` and `keepEvents` itself.
   */
  readonly simulation?: Omit<SimulationOptions, "seed" | "keepEvents">;
  /** Generates cases; shrinking must make plans shorter, earlier and smaller. */
  readonly arbitrary: fc.Arbitrary<C>;
  /** The part of a case a human reads in a failure report: the world and the fault plan. */
  plan(testCase: C): TraceValue;
  /** Runs one case to completion in `sim`; throws {@link InvariantViolation} on a broken invariant. */
  run(sim: Simulation, testCase: C): Promise<void>;
  /**
   * The file `dsim run --suites` loaded the suite from, as given on the command line. Set by the
   * loader, not by suite authors: it makes the printed replay command repeat `--suites <file>`.
   */
  readonly source?: string;
}

/**
 * Marks violations across copies of this module: a user's suite file may import a different copy
 * of `@dsim/scenarios` than the CLI that runs it (a second install, a bundler), and a plain
 * `instanceof` would then report its violations as unexpected errors (see
 * {@link isInvariantViolation}).
 */
const VIOLATION_BRAND: unique symbol = Symbol.for("@dsim/scenarios.InvariantViolation");

/** Thrown by a suite when an invariant does not hold. */
export class InvariantViolation extends Error {
  /** The invariant's stable name, e.g. `lease.never-expires-under-short-faults`. */
  readonly invariant: string;
  /** Facts that show the violation (values, times, ids). */
  readonly details: { readonly [key: string]: TraceValue };

  constructor(
    invariant: string,
    message: string,
    details: { readonly [key: string]: TraceValue } = {},
  ) {
    super(`${invariant}: ${message}`);
    this.name = "InvariantViolation";
    this.invariant = invariant;
    this.details = details;
    Object.defineProperty(this, VIOLATION_BRAND, { value: true });
  }
}

/**
 * True for an {@link InvariantViolation} made by any copy of `@dsim/scenarios` (`instanceof`
 * only knows its own copy's class).
 */
export function isInvariantViolation(value: unknown): value is InvariantViolation {
  return typeof value === "object" && value !== null && VIOLATION_BRAND in value;
}
