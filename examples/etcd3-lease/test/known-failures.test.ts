import { dsimKnownFailures } from "@dsim/scenarios/vitest";
import suites from "../src/etcd3.suite.js";
import { KNOWN_FAILURES } from "../src/known-failures.js";

dsimKnownFailures("etcd3", suites, KNOWN_FAILURES, { findingsDoc: "docs/findings.md" });
