import { dsimTest } from "@dsim/scenarios/vitest";
import { partitionLost } from "../src/etcd3.suite.js";

// etcd3 1.1.2 fires `lost` 2×TTL after its last acknowledged keep-alive (microsoft/etcd3#155),
// which against etcd's expiry is about one TTL after the server expired the lease: inside
// `lease.prompt-loss-report`'s bound (TTL + 1 s). The property holds; it fails if etcd3 reports
// later (or never), and prints the replay command.
dsimTest(partitionLost, { runs: 100, seed: 42, suiteFile: "src/etcd3.suite.ts" });
