import { dsimDeterminism } from "@dsim/scenarios/vitest";
import suites from "../src/grpc-js.suite.js";

// `dsim run --check-determinism` inside vitest: every case twice, whatever the verdict (these
// suites break invariants by design: grpc-js's findings).
dsimDeterminism("grpc-js", suites, { runs: 100, seed: 42 });
