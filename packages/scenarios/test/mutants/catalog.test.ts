import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/mutants/catalog.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const catalog = await loadCatalog(root);

// An index holding exactly HEAD, so the check ignores whatever is uncommitted in the working tree.
const scratch = mkdtempSync(join(tmpdir(), "dsim-apply-check-"));
const env = { ...process.env, GIT_INDEX_FILE: join(scratch, "index") };
execFileSync("git", ["read-tree", "HEAD"], { cwd: root, env });

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the mutant catalog", () => {
  it("has mutants for conn, lease and refresh, with unique ids", () => {
    const suites = new Set(catalog.map((p) => p.suite));
    expect([...suites]).toEqual(expect.arrayContaining(["conn", "lease", "refresh"]));
    expect(new Set(catalog.map((p) => p.id)).size).toBe(catalog.length);
  });

  it("names in Expect an invariant of the mutant's own suite", () => {
    const foreign = catalog.filter((p) => !p.expect.startsWith(`${p.suite.split("-")[0]}.`));
    expect(foreign.map((p) => `${p.id}: ${p.expect}`)).toEqual([]);
  });

  it("patches only production code in packages/core/src", () => {
    const outside = catalog.flatMap((p) => {
      const files = execFileSync("git", ["apply", "--numstat", p.file], { cwd: root, env })
        .toString()
        .trim()
        .split("\n")
        .map((line) => line.split("\t")[2] ?? "");
      return files.filter((f) => !f.startsWith("packages/core/src/")).map((f) => `${p.id}: ${f}`);
    });
    expect(outside).toEqual([]);
  });

  // One test per patch: a refactor that breaks a patch names it. (`git apply --check` is cheap.)
  it.each(catalog.map((p) => [p.id, p.file] as const))("%s applies to HEAD", (_id, file) => {
    const check = (): Buffer =>
      execFileSync("git", ["apply", "--check", "--cached", file], {
        cwd: root,
        env,
        stdio: "pipe",
      });
    expect(check).not.toThrow();
  });
});
