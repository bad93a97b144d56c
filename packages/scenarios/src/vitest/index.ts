/**
 * `@dsim/scenarios/vitest`: dsim inside the test runner you already have. Needs `vitest` (an
 * optional peer dependency of `@dsim/scenarios`).
 */
export { type DsimTestOptions, dsimCheck, dsimTest } from "./dsim-test.js";
