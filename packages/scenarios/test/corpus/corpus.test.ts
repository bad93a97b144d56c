import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { corpusFileName, parseCorpusEntry } from "../../src/corpus/corpus-entry.js";
import { loadCorpus } from "../../src/corpus/corpus-store.js";
import type { Suite } from "../../src/runner/suite.js";
import { captureIo } from "../cli/capture-io.js";
import { failingSuite, passingSuite, type TimerCase } from "../runner/fixtures.js";

/** `test-failing` after its "bug" was fixed: same name and arbitrary, never fails. */
const fixedSuite: Suite<TimerCase> = { ...passingSuite, name: failingSuite.name };

interface Row {
  name: string;
  runs: number;
  failures: number;
  corpus?: string;
  failure?: { invariant: string; path: string; message: string };
}

async function dsim(argv: string[], registry: readonly Suite<unknown>[]) {
  const captured = captureIo();
  const code = await main([...argv, "--reporter", "json"], captured.io, registry);
  const stdout = captured.stdout();
  const rows = stdout === "" ? [] : (JSON.parse(stdout) as { suites: Row[] }).suites;
  return { code, rows, stderr: captured.stderr() };
}

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "dsim-corpus-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("corpus entries", () => {
  it("name their file after suite, seed and path", () => {
    expect(corpusFileName({ suite: "conn", seed: -3, path: "12:0:4" })).toBe(
      "conn---3--12-0-4.json",
    );
  });

  it.each([
    [null, /expected a JSON object/],
    [{ seed: 1, path: "0", invariant: "x", digest: "d" }, /"suite"/],
    [{ suite: "s", seed: 1.5, path: "0", invariant: "x", digest: "d" }, /"seed"/],
    [{ suite: "s", seed: 1, path: "0:a", invariant: "x", digest: "d" }, /"path"/],
    [{ suite: "s", seed: 1, path: "0", digest: "d" }, /"invariant"/],
  ])("reject %j", (value, message) => {
    expect(() => parseCorpusEntry(value, "f.json")).toThrow(message);
  });

  it("a malformed file in the corpus is a usage error naming the file", async () => {
    await writeFile(join(dir, "broken.json"), "{ nope");
    const result = await dsim(["run", "test-passing", "--corpus", dir], [passingSuite]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/corpus file broken\.json: not JSON/);
  });
});

describe("save, then replay first", () => {
  it("--save-failures writes one deterministic entry per new failure", async () => {
    const argv = ["run", "test-failing", "--no-corpus", "--save-failures", dir];
    const first = await dsim(argv, [failingSuite]);
    expect(first.code).toBe(1);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const file = files[0] ?? "";
    expect(first.stderr).toContain(`saved failure to ${join(dir, file)}`);
    const bytes = await readFile(join(dir, file), "utf8");
    const entry = parseCorpusEntry(JSON.parse(bytes), file);
    expect(entry).toMatchObject({ suite: "test-failing", seed: 42 });
    expect(entry.path).toBe(first.rows[0]?.failure?.path);
    expect(entry.invariant).toBe("test.sum-within-limit");
    expect(bytes).not.toMatch(/savedAt|20\d\d-/);

    // The second identical run re-finds it: same file, same bytes, reported as already saved.
    const second = await dsim(argv, [failingSuite]);
    expect(second.stderr).toContain("already saved failure");
    expect(await readdir(dir)).toEqual([file]);
    expect(await readFile(join(dir, file), "utf8")).toBe(bytes);
  });

  it("every run replays the corpus first, as its own rows; an unfixed case keeps it red", async () => {
    await dsim(["run", "test-failing", "--no-corpus", "--save-failures", dir], [failingSuite]);
    const [file] = await readdir(dir);
    const result = await dsim(
      ["run", "test-passing", "test-failing", "--runs", "3", "--corpus", dir],
      [passingSuite, failingSuite],
    );
    expect(result.rows.map((row) => row.name)).toEqual([
      `corpus/${(file ?? "").replace(/\.json$/, "")}`,
      "test-passing",
      "test-failing",
    ]);
    const corpusRow = result.rows[0];
    expect(corpusRow).toMatchObject({ runs: 1, failures: 1, corpus: file });
    expect(corpusRow?.failure?.message).toMatch(/^regression: the saved case fails again/);
    // The three generated runs of test-failing pass: only the corpus keeps the run red.
    expect(result.rows[2]?.failures).toBe(0);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("corpus: 1 case(s) replayed, 1 failed");
  });

  it("once the bug is fixed the corpus case passes and the run is green", async () => {
    await dsim(["run", "test-failing", "--no-corpus", "--save-failures", dir], [failingSuite]);
    const result = await dsim(["run", "--runs", "3", "--corpus", dir], [fixedSuite]);
    expect(result.code).toBe(0);
    expect(result.rows[0]).toMatchObject({ runs: 1, failures: 0 });
    expect(result.rows[0]?.name).toMatch(/^corpus\/test-failing--42--/);
  });

  it("replays only the selected suites' entries and only in shard 1", async () => {
    await dsim(["run", "test-failing", "--no-corpus", "--save-failures", dir], [failingSuite]);
    const registry = [passingSuite, fixedSuite];
    const other = await dsim(["run", "test-passing", "--runs", "2", "--corpus", dir], registry);
    expect(other.rows.map((row) => row.name)).toEqual(["test-passing"]);
    const shard2 = await dsim(["run", "--runs", "4", "--shard", "2/2", "--corpus", dir], registry);
    expect(shard2.rows.some((row) => row.corpus !== undefined)).toBe(false);
    const shard1 = await dsim(["run", "--runs", "4", "--shard", "1/2", "--corpus", dir], registry);
    expect(shard1.rows.filter((row) => row.corpus !== undefined)).toHaveLength(1);
  });

  it("an entry that no longer names a case fails as corpus.stale", async () => {
    await writeFile(
      join(dir, "stale.json"),
      JSON.stringify({
        suite: "test-failing",
        seed: 42,
        path: "0:999:999",
        invariant: "x",
        digest: "",
      }),
    );
    const result = await dsim(["run", "--runs", "1", "--corpus", dir], [fixedSuite]);
    expect(result.code).toBe(1);
    expect(result.rows[0]?.failure?.invariant).toBe("corpus.stale");
  });

  it("warns about entries of unknown suites instead of dropping them silently", async () => {
    await writeFile(
      join(dir, "gone.json"),
      JSON.stringify({ suite: "renamed", seed: 1, path: "0", invariant: "x", digest: "" }),
    );
    const result = await dsim(["run", "--runs", "1", "--corpus", dir], [passingSuite]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('gone.json names unknown suite "renamed"');
  });

  it("the committed corpus loads and names only known suites", async () => {
    const { suites } = await import("../../src/suites/index.js");
    const { DEFAULT_CORPUS_DIR } = await import("../../src/corpus/corpus-store.js");
    const entries = await loadCorpus(DEFAULT_CORPUS_DIR);
    for (const { entry, file } of entries) {
      expect(
        suites.map((suite) => suite.name),
        file,
      ).toContain(entry.suite);
    }
  });

  it("--corpus and --no-corpus together are a usage error", async () => {
    const result = await dsim(["run", "--corpus", dir, "--no-corpus"], [passingSuite]);
    expect(result.code).toBe(2);
  });
});
