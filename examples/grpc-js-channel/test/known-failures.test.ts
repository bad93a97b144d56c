import { dsimKnownFailures } from "@dsim/scenarios/vitest";
import suites from "../src/grpc-js.suite.js";
import { KNOWN_FAILURES } from "../src/known-failures.js";

dsimKnownFailures("grpc-js", suites, KNOWN_FAILURES, { findingsDoc: "docs/findings.md" });
