import type { Simulation, SimulationOptions, TraceValue } from "@dsim/sim-server";
import type fc from "fast-check";
import type { Suite } from "../runner/suite.js";

/** What {@link defineSuite} takes: a {@link Suite} whose listing fields may be left out. */
export interface SuiteDefinition<C> {
  /** Unique, kebab-case (`my-client-retry`): the name used on the command line. */
  readonly name: string;
  /** One line for `dsim list` (default: the name). */
  readonly description?: string;
  /** Runs used by `dsim run` when `--runs` is not given (default {@link DEFAULT_SUITE_RUNS}). */
  readonly defaultRuns?: number;
  /** Extra options for the {@link Simulation} of each case (`traceMessages`, `maxEvents`, …). */
  readonly simulation?: Omit<SimulationOptions, "seed" | "keepEvents">;
  /** Generates cases (world, workload, fault plan); shrinking must make them smaller. */
  readonly arbitrary: fc.Arbitrary<C>;
  /** The part of a case a human reads in a failure report: a JSON-like value. */
  plan(testCase: C): TraceValue;
  /** Runs one case in `sim`; throws `InvariantViolation` when the client misbehaves. */
  run(sim: Simulation, testCase: C): Promise<void>;
}

/** Runs per suite when a definition gives no `defaultRuns`. */
export const DEFAULT_SUITE_RUNS = 100;

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function isArbitrary(value: unknown): value is fc.Arbitrary<unknown> {
  const candidate = value as { generate?: unknown; shrink?: unknown } | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.generate === "function" &&
    typeof candidate.shrink === "function"
  );
}

/**
 * Declares a property suite for `dsim run --suites <file>`, `dsimTest` or {@link runSuite}: each
 * case gets a fresh seeded {@link Simulation}, and a failing case is shrunk and named by
 * `{seed, path}` for replay. Validates the definition up front, so a typo fails when the file
 * loads, not after a long run.
 *
 * @example
 * ```ts
 * export default defineSuite({
 *   name: "my-client-retry",
 *   arbitrary: fc.record({ outageMs: fc.integer({ min: 0, max: 60_000 }) }),
 *   plan: (c) => c,
 *   async run(sim, c) { … throw new InvariantViolation("my.rule", "what broke") … },
 * });
 * ```
 * @throws TypeError naming the field when a field has the wrong type or form.
 */
export function defineSuite<C>(definition: SuiteDefinition<C>): Suite<C> {
  if (typeof definition !== "object" || definition === null) {
    throw new TypeError("defineSuite: expected an object { name, arbitrary, plan, run }");
  }
  const { name, description, defaultRuns, simulation, arbitrary, plan, run } = definition;
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new TypeError(
      `defineSuite: name must be kebab-case (lower-case letters, digits, "-"), got ${JSON.stringify(name)}`,
    );
  }
  if (description !== undefined && typeof description !== "string") {
    throw new TypeError(`defineSuite(${name}): description must be a string`);
  }
  if (defaultRuns !== undefined && (!Number.isSafeInteger(defaultRuns) || defaultRuns < 1)) {
    throw new TypeError(`defineSuite(${name}): defaultRuns must be a positive integer`);
  }
  if (!isArbitrary(arbitrary)) {
    throw new TypeError(`defineSuite(${name}): arbitrary must be a fast-check Arbitrary`);
  }
  if (typeof plan !== "function") {
    throw new TypeError(`defineSuite(${name}): plan must be a function (case) => JSON value`);
  }
  if (typeof run !== "function") {
    throw new TypeError(`defineSuite(${name}): run must be an async function (sim, case)`);
  }
  return {
    name,
    description: description ?? name,
    defaultRuns: defaultRuns ?? DEFAULT_SUITE_RUNS,
    ...(simulation === undefined ? {} : { simulation }),
    arbitrary,
    plan: (testCase) => plan.call(definition, testCase),
    run: (sim, testCase) => run.call(definition, sim, testCase),
  };
}
