import { replayCase } from "@dsim/scenarios";
import { describe, expect, it } from "vitest";
import suites from "../src/grpc-js.suite.js";
import { KNOWN_FAILURES } from "../src/known-failures.js";

describe("grpc-js known failures (pinned; docs/findings.md)", () => {
  for (const known of KNOWN_FAILURES) {
    it(`known failure: ${known.client} ${known.version} ${known.suite} breaks ${known.invariant}`, async () => {
      const suite = suites.find((candidate) => candidate.name === known.suite);
      expect(suite, `no suite ${known.suite}`).toBeDefined();
      if (suite === undefined) return;
      const replayed = await replayCase(suite, { seed: known.seed, path: known.path });
      // A pass means the behaviour changed (fixed upstream?); another invariant means it fails
      // differently. Either way the pin and docs/findings.md must be revisited.
      expect(
        replayed.failed ? replayed.invariant : "passed",
        `${known.summary} — behaviour changed; update src/known-failures.ts and docs/findings.md`,
      ).toBe(known.invariant);
    });
  }
});
