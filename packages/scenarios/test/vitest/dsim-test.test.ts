import { describe, expect, it } from "vitest";
import { dsimCheck, dsimTest } from "../../src/vitest/index.js";
import fixed from "../public/fixtures/fixed.suite.js";
import broken from "../public/fixtures/my.suite.js";

const [repaired] = fixed;
if (repaired === undefined) throw new Error("fixed.suite.ts exports no suite");

describe("dsimTest", () => {
  // The helper itself: registers a vitest test that checks the repaired client's property.
  dsimTest(repaired, { runs: 20, seed: 7 });
});

describe("dsimCheck (the body of dsimTest)", () => {
  it("fails with the invariant, the plan and both replay commands", async () => {
    const failure = dsimCheck(broken, { runs: 50, seed: 42, suiteFile: "./my.suite.ts" });
    await expect(failure).rejects.toThrow(/invariant: conn\.backoff-spacing/);
    await expect(failure).rejects.toThrow(/"outageMs": \d+/);
    await expect(failure).rejects.toThrow(
      /replay: +npx dsim replay --suites \.\/my\.suite\.ts config-retry --seed 42 --path "[\d:]+"/,
    );
    await expect(failure).rejects.toThrow(
      /DSIM_SEED=42 DSIM_PATH=[\d:]+ npx vitest run -t 'config-retry'/,
    );
  });

  it("with checkDeterminism still fails on a case that fails the same way twice", async () => {
    const failure = dsimCheck(broken, { runs: 50, seed: 42, checkDeterminism: true });
    await expect(failure).rejects.toThrow(/invariant: conn\.backoff-spacing/);
    await expect(failure).rejects.toThrow(/DSIM_SEED=42 DSIM_PATH=\d+ npx vitest run/);
  });

  it("replays exactly the case DSIM_PATH names", async () => {
    let message = "";
    await dsimCheck(broken, { runs: 50, seed: 42 }).catch((error: unknown) => {
      message = String(error);
    });
    const path = /DSIM_PATH=([\d:]+)/.exec(message)?.[1];
    const digest = /digest: +([0-9a-f]+)/.exec(message)?.[1];
    expect(path).toBeDefined();
    const saved = process.env.DSIM_PATH;
    process.env.DSIM_PATH = path;
    try {
      const replay = dsimCheck(broken, { seed: 42 });
      await expect(replay).rejects.toThrow(/still fails/);
      await expect(replay).rejects.toThrow(`digest:    ${digest}`);
    } finally {
      if (saved === undefined) delete process.env.DSIM_PATH;
      else process.env.DSIM_PATH = saved;
    }
  });

  it("takes the seed from DSIM_SEED when none is given", async () => {
    const saved = process.env.DSIM_SEED;
    process.env.DSIM_SEED = "99";
    try {
      await expect(dsimCheck(broken, { runs: 50 })).rejects.toThrow(/--seed 99 /);
    } finally {
      if (saved === undefined) delete process.env.DSIM_SEED;
      else process.env.DSIM_SEED = saved;
    }
  });
});
