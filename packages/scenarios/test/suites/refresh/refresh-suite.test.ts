import { describe, expect, it } from "vitest";
import { runSuite } from "../../../src/runner/run-suite.js";
import { refresh } from "../../../src/suites/refresh.js";

describe("refresh suite on the real refresher", () => {
  it("passes at a fixed seed and is deterministic", async () => {
    const a = await runSuite(refresh, { seed: 42, runs: 100 });
    if (a.failure !== undefined) console.error(JSON.stringify(a.failure, null, 1).slice(0, 4000));
    expect(a.failure).toBeUndefined();
    const b = await runSuite(refresh, { seed: 42, runs: 20 });
    expect(b.runDigests).toEqual(a.runDigests.slice(0, 20));
  });
});
