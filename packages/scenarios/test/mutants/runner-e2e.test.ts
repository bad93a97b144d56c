import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { ScratchWorktree } from "../../src/mutants/worktree.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const workdir = mkdtempSync(join(tmpdir(), "dsim-mutants-e2e-"));

afterAll(() => {
  execFileSync("git", ["worktree", "remove", "--force", join(workdir, "job-0")], { cwd: root });
  rmSync(workdir, { recursive: true, force: true });
});

interface Report {
  readonly baselines: readonly { suite: string; passed: boolean }[];
  readonly scores: readonly { suite: string; caught: number; scorePercent: number }[];
  readonly mutants: readonly {
    id: string;
    status: string;
    runs: number;
    invariant: string;
    expected: boolean;
    planFaults: number;
  }[];
}

it("pnpm mutants: applies one patch in a scratch worktree, the suite catches it, the unmutated suite passes", () => {
  const run = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "packages/scenarios/src/mutants/main.ts",
      "conn",
      "--only",
      "conn-leak-on-close",
      "--runs",
      "20",
      "--seed",
      "42",
      "--jobs",
      "1",
      "--json",
      "--workdir",
      workdir,
    ],
    { cwd: root, encoding: "utf8", env: { ...process.env, DSIM_SEED: "" } },
  );
  expect(run.status, run.stderr).toBe(0);
  const report = JSON.parse(run.stdout) as Report;
  expect(report.baselines).toEqual([expect.objectContaining({ suite: "conn", passed: true })]);
  expect(report.mutants).toEqual([
    expect.objectContaining({
      id: "conn-leak-on-close",
      status: "caught",
      invariant: "conn.no-leak-after-close",
      expected: true,
    }),
  ]);
  expect(report.mutants[0]?.runs).toBeGreaterThanOrEqual(1);
  expect(report.mutants[0]?.runs).toBeLessThanOrEqual(20);
  expect(report.scores).toEqual([expect.objectContaining({ suite: "conn", caught: 1 })]);
}, 120_000);

it("a patch that no longer applies is refused and leaves the reused worktree pristine", async () => {
  const base = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root }).toString().trim();
  const tree = new ScratchWorktree(root, join(workdir, "job-0"), base);
  await tree.prepare();
  const stale = join(workdir, "stale.patch");
  writeFileSync(
    stale,
    [
      "diff --git a/packages/core/src/conn/subchannel.ts b/packages/core/src/conn/subchannel.ts",
      "--- a/packages/core/src/conn/subchannel.ts",
      "+++ b/packages/core/src/conn/subchannel.ts",
      "@@ -1,1 +1,1 @@",
      "-this line is not in the file",
      "+neither is this one",
      "",
    ].join("\n"),
  );
  const result = await tree.apply(stale);
  expect(result.ok).toBe(false);
  expect(result.ok ? "" : result.message).toContain("patch does not apply");
  // Only the dependency link (a symlink .gitignore's "node_modules/" does not match) may show.
  const status = execFileSync("git", ["status", "--porcelain", "--", ".", ":!node_modules"], {
    cwd: tree.dir,
  }).toString();
  expect(status).toBe("");
}, 60_000);
