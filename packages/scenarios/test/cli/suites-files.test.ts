import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "./capture-io.js";

const MY_SUITE = "test/public/fixtures/my.suite.ts";

async function dsim(argv: string[]) {
  const captured = captureIo({});
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** `npx dsim replay --suites F <suite> --seed S --path "P"` → the argv `main` takes. */
function replayArgv(command: string): string[] {
  const match = /^npx dsim replay --suites (\S+) (\S+) --seed (-?\d+) --path "([\d:]+)"$/.exec(
    command,
  );
  if (match === null) throw new Error(`not a --suites replay command: ${command}`);
  const [, file = "", suite = "", seed = "", path = ""] = match;
  return ["replay", "--suites", file, suite, "--seed", seed, "--path", path];
}

describe("dsim --suites (user suite files)", () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "dsim-suites-"));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("lists the suites of a glob instead of the built-in ones", async () => {
    const { code, stdout } = await dsim(["list", "--suites", "test/public/fixtures/*.suite.ts"]);
    expect(code).toBe(0);
    expect(stdout).toContain("config-retry");
    expect(stdout).toContain("config-retry-fixed");
    expect(stdout).not.toContain("net-delivery");
  });

  it("runs a TypeScript suite file: a broken client fails with a --suites replay command that reproduces the digest", async () => {
    const run = await dsim([
      "run",
      "--suites",
      MY_SUITE,
      "--runs",
      "50",
      "--seed",
      "42",
      "--no-corpus",
      "--reporter",
      "json",
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      suites: { name: string; failure?: { invariant: string; replay: string; digest: string } }[];
    };
    const failure = report.suites[0]?.failure;
    expect(failure?.invariant).toBe("conn.backoff-spacing");
    expect(failure?.replay).toMatch(
      /^npx dsim replay --suites test\/public\/fixtures\/my\.suite\.ts config-retry /,
    );

    const html = join(out, "timeline.html");
    const replay = await dsim([...replayArgv(failure?.replay ?? ""), "--html", html]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain("conn.backoff-spacing");
    expect(replay.stdout).toContain(`digest:    ${failure?.digest}`);
    expect(await readFile(html, "utf8")).toContain("config-retry");
  });

  it("saves a user suite's failure to a corpus and replays it first on the next run", async () => {
    const corpus = join(out, "corpus");
    const first = await dsim([
      "run",
      "--suites",
      MY_SUITE,
      "--runs",
      "50",
      "--no-corpus",
      "--save-failures",
      corpus,
    ]);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/saved failure to .*config-retry--42--/);
    const again = await dsim([
      "run",
      "--suites",
      MY_SUITE,
      "--runs",
      "1",
      "--corpus",
      corpus,
      "--reporter",
      "json",
    ]);
    expect(again.code).toBe(1);
    const rows = JSON.parse(again.stdout).suites as {
      corpus?: string;
      failure?: { replay: string };
    }[];
    const row = rows.find((candidate) => candidate.corpus !== undefined);
    expect(row?.failure?.replay).toMatch(
      /^npx dsim replay --suites test\/public\/fixtures\/my\.suite\.ts config-retry --seed 42 /,
    );
  });

  it("passes a repaired client, with --check-determinism and shards", async () => {
    const fixed = "test/public/fixtures/fixed.suite.ts";
    const whole = await dsim([
      "run",
      "--suites",
      fixed,
      "--runs",
      "30",
      "--no-corpus",
      "--check-determinism",
    ]);
    expect(whole.code).toBe(0);
    expect(whole.stdout).toContain("all 1 suite(s) passed");
    const shard = await dsim([
      "run",
      "--suites",
      fixed,
      "--runs",
      "30",
      "--no-corpus",
      "--shard",
      "2/2",
      "--reporter",
      "json",
    ]);
    expect(shard.code).toBe(0);
    expect(JSON.parse(shard.stdout).suites[0].runs).toBe(15);
  });

  it.each([
    [
      ["run", "--suites", "test/cli/fixtures/missing.ts"],
      /no such file "test\/cli\/fixtures\/missing.ts"/,
    ],
    [["run", "--suites", "test/cli/fixtures/*.nothing"], /no file matches/],
    [
      ["run", "--suites", "test/cli/fixtures/not-a-suite.ts"],
      /not-a-suite.ts: defineSuite\(not-a-suite\): arbitrary must be/,
    ],
    [["run", "--suites", "test/cli/fixtures/no-default.js"], /no-default.js has no default export/],
    [
      ["list", "--suites", "test/{public/fixtures/my.suite.ts,cli/fixtures/duplicate.suite.js}"],
      /suite name "config-retry" is used by test\/cli\/fixtures\/duplicate.suite.js and test\/public\/fixtures\/my.suite.ts/,
    ],
  ])("%o is a usage error naming the file", async (argv, message) => {
    const { code, stderr } = await dsim(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
