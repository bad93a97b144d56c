import { describe, expect, it } from "vitest";
import { runSuite } from "../../../src/runner/index.js";
import { lease } from "../../../src/suites/lease.js";

describe("lease suite", () => {
  it("passes against the real lessor (fixed seed)", async () => {
    const result = await runSuite(lease, { seed: 42, runs: 40 });
    if (result.failure !== undefined)
      console.log(
        JSON.stringify(result.failure, (_, v) => (typeof v === "bigint" ? `${v}n` : v), 2).slice(
          0,
          4000,
        ),
      );
    expect(result.failure).toBeUndefined();
  });

  it("is deterministic: every case run twice gives the same trace digest", async () => {
    const result = await runSuite(lease, { seed: 9, runs: 15, checkDeterminism: true });
    expect(result.failure).toBeUndefined();
    const again = await runSuite(lease, { seed: 9, runs: 15 });
    expect(again.digest).toBe(result.digest);
  });
});
