import { dsimKnownFailures } from "@dsim/scenarios/vitest";
import suites from "../src/jose.suite.js";
import { KNOWN_FAILURES } from "../src/known-failures.js";

dsimKnownFailures("jose", suites, KNOWN_FAILURES, { findingsDoc: "docs/findings.md" });
