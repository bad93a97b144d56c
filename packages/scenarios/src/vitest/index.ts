/**
 * `@dsim/scenarios/vitest`: dsim inside the test runner you already have. Needs `vitest` (an
 * optional peer dependency of `@dsim/scenarios`).
 */
export { type DsimDeterminismOptions, dsimDeterminism } from "./determinism.js";
export { type DsimTestOptions, dsimCheck, dsimTest } from "./dsim-test.js";
export {
  type DsimKnownFailuresOptions,
  dsimKnownFailures,
  type KnownFailure,
} from "./known-failures.js";
