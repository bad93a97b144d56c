import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Suite } from "../../src/runner/suite.js";
import { demoFailure } from "../../src/suites/demo-failure.js";
import { netDelivery } from "../../src/suites/net-delivery.js";
import { captureIo } from "../cli/capture-io.js";
import { failingSuite, passingSuite } from "../runner/fixtures.js";

const registry = [passingSuite, failingSuite, netDelivery, demoFailure] as Suite<unknown>[];
const SUITES = ["test-passing", "test-failing", "net-delivery", "demo-failure"];
const RUN = ["--runs", "60", "--seed", "5", "--no-corpus"];

interface Row {
  name: string;
  runs: number;
  failures: number;
  digest: string;
  runDigests: string[];
  failure?: { path: string; digest: string; invariant: string; simSeed: number };
  moreFailures?: unknown[];
}

async function dsim(argv: string[]) {
  const captured = captureIo({ DSIM_DEMO: "1" });
  const code = await main(argv, captured.io, registry);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

async function readRows(file: string): Promise<Row[]> {
  return (JSON.parse(await readFile(file, "utf8")) as { suites: Row[] }).suites;
}

let dir = "";
let unsharded: Row[] = [];
const shardFiles: string[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dsim-merge-"));
  await dsim(["run", ...SUITES, ...RUN, "--out", join(dir, "all")]);
  unsharded = await readRows(join(dir, "all", "report.json"));
  for (const k of [1, 2, 3]) {
    const out = join(dir, `shard-${k}`);
    await dsim(["run", ...SUITES, ...RUN, "--shard", `${k}/3`, "--out", out]);
    shardFiles.push(join(out, "report.json"));
  }
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("dsim merge", () => {
  it("merges shards 1/3, 2/3, 3/3 into the unsharded summary", async () => {
    const out = join(dir, "merged");
    // File order on the command line must not matter.
    const result = await dsim([
      "merge",
      shardFiles[2] ?? "",
      shardFiles[0] ?? "",
      shardFiles[1] ?? "",
      "--out",
      out,
    ]);
    expect(result.code).toBe(1); // test-failing and demo-failure fail, in both
    expect(result.stderr).toBe(
      `dsim: wrote ${join(out, "report.json")}, junit.xml and summary.txt\n`,
    );
    const merged = await readRows(join(out, "report.json"));
    expect(merged.map((row) => row.name)).toEqual(SUITES);
    for (const [index, row] of merged.entries()) {
      const expected = unsharded[index];
      expect(row.name).toBe(expected?.name);
      expect({ runs: row.runs, failures: row.failures, digest: row.digest }, row.name).toEqual({
        runs: expected?.runs,
        failures: expected?.failures,
        digest: expected?.digest,
      });
      expect(row.runDigests).toEqual(expected?.runDigests);
      expect(row.failure?.path).toBe(expected?.failure?.path);
      expect(row.failure?.digest).toBe(expected?.failure?.digest);
    }
    // The passing suites really were spread over three shards.
    const passing = await Promise.all(shardFiles.map(readRows));
    expect(passing.map((rows) => rows[0]?.runs)).toEqual([20, 20, 20]);

    const junit = await readFile(join(out, "junit.xml"), "utf8");
    expect(junit.match(/<testcase /g)).toHaveLength(SUITES.length);
    expect(junit).toContain('failures="2"');
    const summary = await readFile(join(out, "summary.txt"), "utf8");
    expect(summary).toBe(result.stdout);
    expect(summary).toContain("2 of 4 suite(s) failed (seed 5)");
  });

  it("keeps failures that later shards found, beyond the unsharded stop", async () => {
    const result = await dsim(["merge", ...shardFiles, "--reporter", "json"]);
    const rows = (JSON.parse(result.stdout) as { suites: Row[] }).suites;
    const shardFailures = (await Promise.all(shardFiles.map(readRows)))
      .map((rows) => rows.find((row) => row.name === "demo-failure")?.failures ?? 0)
      .reduce((a, b) => a + b, 0);
    const demo = rows.find((row) => row.name === "demo-failure");
    expect(1 + (demo?.moreFailures?.length ?? 0)).toBe(shardFailures);
  });

  it("a missing shard is reported and fails the merge", async () => {
    const result = await dsim(["merge", shardFiles[0] ?? "", shardFiles[2] ?? ""]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("test-passing: missing shard 2/3");
  });

  it("refuses reports that do not belong together", async () => {
    const other = join(dir, "other-seed");
    await dsim([
      "run",
      "test-passing",
      "--runs",
      "6",
      "--seed",
      "6",
      "--shard",
      "2/3",
      "--no-corpus",
      "--out",
      other,
    ]);
    const seeds = await dsim(["merge", shardFiles[0] ?? "", join(other, "report.json")]);
    expect(seeds.code).toBe(2);
    expect(seeds.stderr).toMatch(/different seeds/);
    const twice = await dsim(["merge", shardFiles[0] ?? "", shardFiles[0] ?? ""]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/shard 1\/3 appears twice/);
    const bad = join(dir, "bad.json");
    await writeFile(bad, '{"seed": 1, "suites": [{"name": "x"}]}');
    const broken = await dsim(["merge", bad]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/bad\.json suites\[0\] \(x\): "runs" must be/);
    expect((await dsim(["merge"])).code).toBe(2);
    expect((await dsim(["merge", join(dir, "nope.json")])).stderr).toMatch(/cannot read/);
  });
});
