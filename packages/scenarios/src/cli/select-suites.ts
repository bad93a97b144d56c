import type { Suite } from "../runner/suite.js";
import { UsageError } from "./usage.js";

/** True when the environment enables demo suites (`DSIM_DEMO=1`). */
export function demoEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.DSIM_DEMO === "1";
}

/** The suites visible in this environment: demo suites only with `DSIM_DEMO=1`. */
export function visibleSuites(
  registry: readonly Suite<unknown>[],
  env: Readonly<Record<string, string | undefined>>,
): readonly Suite<unknown>[] {
  const demo = demoEnabled(env);
  return registry.filter((suite) => demo || suite.demo !== true);
}

/** Finds one suite by name; a usage error names the unknown or hidden suite. */
export function findSuite(
  registry: readonly Suite<unknown>[],
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): Suite<unknown> {
  const suite = registry.find((candidate) => candidate.name === name);
  if (suite === undefined) {
    throw new UsageError(`unknown suite "${name}" (see \`dsim list\`)`);
  }
  if (suite.demo === true && !demoEnabled(env)) {
    throw new UsageError(`suite "${name}" is a demo suite: set DSIM_DEMO=1 to run it`);
  }
  return suite;
}

/** The named suites in the order given (duplicates dropped), or every visible suite. */
export function selectSuites(
  registry: readonly Suite<unknown>[],
  names: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): readonly Suite<unknown>[] {
  if (names.length === 0) return visibleSuites(registry, env);
  const unique = [...new Set(names)];
  return unique.map((name) => findSuite(registry, name, env));
}
