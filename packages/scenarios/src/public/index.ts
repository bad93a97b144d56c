/**
 * The API for user-written suites: {@link defineSuite}, the reusable invariant checkers, and
 * fast-check itself (`fc`), so a suite file needs no second copy of it.
 */
import fc from "fast-check";

export { DEFAULT_SUITE_RUNS, defineSuite, type SuiteDefinition } from "./define-suite.js";
export * from "./invariants/index.js";

/** The fast-check the runner uses: build suite arbitraries with it. */
export { fc };
