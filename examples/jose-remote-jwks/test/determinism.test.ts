import { dsimDeterminism } from "@dsim/scenarios/vitest";
import suites from "../src/jose.suite.js";

// `dsim run --check-determinism` inside vitest: every case twice, whatever the verdict (these
// suites break invariants by design: jose's findings).
dsimDeterminism("jose", suites, { runs: 100, seed: 42 });
