import type { FailureReport, SuiteResult } from "../runner/types.js";
import { type JsonValue, toJsonValue } from "./json-value.js";

/**
 * The machine-readable report: one object,
 * `{"seed", "suites": [{"name", "runs", "failures", "digest", "simulatedMs", "wallMs", "interrupted",
 * "firstRun", "plannedRuns", "runDigests", "shard"?, "corpus"?, "propertyFailures"? (--check-determinism, same shape as "failure"), "failure"?: {"seed", "path", "simSeed", "plan", "invariant", "message", "details",
 * "digest", "shrinks", "shrinkTruncated", "shrinkStop"?, "shrinkAttempts"?, "replay"}}]}`.
 */
export function jsonReport(seed: number, results: readonly SuiteResult[]): JsonValue {
  return {
    seed,
    suites: results.map((result) => {
      const suite: { [key: string]: JsonValue } = {
        name: result.name,
        runs: result.runs,
        failures: result.failures,
        digest: result.digest,
        simulatedMs: result.simulatedMs,
        wallMs: Math.round(result.wallMs),
        interrupted: result.interrupted,
        firstRun: result.firstRun,
        plannedRuns: result.plannedRuns,
        runDigests: [...result.runDigests],
      };
      if (result.shard !== undefined) {
        suite.shard = `${result.shard.index}/${result.shard.count}`;
      }
      if (result.corpus !== undefined) suite.corpus = result.corpus;
      if (result.failure !== undefined) suite.failure = failureJson(result.failure);
      if (result.moreFailures !== undefined) {
        suite.moreFailures = result.moreFailures.map(failureJson);
      }
      if (result.propertyFailures !== undefined) {
        suite.propertyFailures = result.propertyFailures.map(failureJson);
      }
      return suite;
    }),
  };
}

function failureJson(failure: FailureReport): JsonValue {
  return {
    seed: failure.seed,
    path: failure.path,
    simSeed: failure.simSeed,
    plan: toJsonValue(failure.plan),
    invariant: failure.invariant,
    message: failure.message,
    details: toJsonValue(failure.details),
    digest: failure.digest,
    shrinks: failure.shrinks,
    shrinkTruncated: failure.shrinkTruncated,
    ...(failure.shrinkStop === undefined ? {} : { shrinkStop: failure.shrinkStop }),
    ...(failure.shrinkAttempts === undefined ? {} : { shrinkAttempts: failure.shrinkAttempts }),
    replay: failure.replay,
  };
}

/** {@link jsonReport} serialised on one line, newline-terminated. */
export function formatJson(seed: number, results: readonly SuiteResult[]): string {
  return `${JSON.stringify(jsonReport(seed, results))}\n`;
}
