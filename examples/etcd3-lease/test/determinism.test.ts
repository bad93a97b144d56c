import { dsimDeterminism } from "@dsim/scenarios/vitest";
import suites from "../src/etcd3.suite.js";

// `dsim run --check-determinism` inside vitest: every case twice, whatever the verdict (these
// suites break invariants by design: etcd3's findings).
dsimDeterminism("etcd3", suites, { runs: 100, seed: 42 });
