import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Suite } from "../../src/runner/suite.js";
import { crashingSuite, demoSuite, failingSuite, passingSuite } from "../runner/fixtures.js";
import { captureIo, replayArgv } from "./capture-io.js";

const registry: readonly Suite<unknown>[] = [passingSuite, failingSuite, crashingSuite, demoSuite];

async function dsim(argv: string[], env: Record<string, string | undefined> = {}) {
  const captured = captureIo(env);
  const code = await main(argv, captured.io, registry);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

interface JsonSuite {
  name: string;
  runs: number;
  failures: number;
  digest: string;
  simulatedMs: number;
  wallMs: number;
  failure?: {
    seed: number;
    path: string;
    plan: unknown;
    invariant: string;
    message: string;
    digest: string;
    replay: string;
  };
}

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dsim-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("usage errors exit 2 and name the bad flag or value", () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [[], {}, /usage:/],
    [["frobnicate"], {}, /unknown command "frobnicate"/],
    [["--runs", "3"], {}, /unknown option "--runs"/],
    [["run", "--bogus"], {}, /--bogus/],
    [["run", "--runs", "abc"], {}, /--runs: "abc"/],
    [["run", "--runs", "0"], {}, /--runs: "0"/],
    [["run", "--runs"], {}, /--runs/],
    [["run", "--seed", "x1"], {}, /--seed: "x1"/],
    [["run", "--seed", "9007199254740992"], {}, /--seed: seed 9007199254740992 is outside/],
    [["run", "nope"], {}, /unknown suite "nope"/],
    [["run", "--shard", "5/4"], {}, /--shard: invalid shard "5\/4"/],
    [["run", "--shard", "x"], {}, /--shard/],
    [["run", "--reporter", "xml"], {}, /--reporter: unknown reporter "xml"/],
    [["run", "--time-budget", "soon"], {}, /--time-budget: invalid duration "soon"/],
    [["run", "test-passing"], { DSIM_SEED: "abc" }, /DSIM_SEED: "abc"/],
    [["run", "test-demo"], {}, /demo suite: set DSIM_DEMO=1/],
    [["replay"], {}, /missing the suite name/],
    [["replay", "test-failing"], {}, /--path is required/],
    [["replay", "test-failing", "--path", "1:x"], {}, /--path: "1:x"/],
    [["replay", "nope", "--path", "1"], {}, /unknown suite "nope"/],
    [["replay", "test-failing", "--path", "0", "--reporter", "junit"], {}, /--reporter/],
    [["list", "extra"], {}, /unexpected argument "extra"/],
  ];
  it.each(cases)("dsim %j", async (argv, env, pattern) => {
    const result = await dsim(argv, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stdout).toBe("");
  });
});

describe("help and list", () => {
  it("prints help and exits 0", async () => {
    for (const argv of [["--help"], ["-h"], ["help"], ["run", "--help"], ["replay", "-h"]]) {
      const result = await dsim(argv);
      expect(result.code, argv.join(" ")).toBe(0);
      expect(result.stdout).toContain("dsim run [suite...]");
    }
  });

  it("lists suites, demo suites only with DSIM_DEMO=1", async () => {
    const plain = await dsim(["list"]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("test-passing");
    expect(plain.stdout).toContain("test: timers that always pass");
    expect(plain.stdout).not.toContain("test-demo");
    const demo = await dsim(["list"], { DSIM_DEMO: "1" });
    expect(demo.stdout).toContain("test-demo (demo)");
  });
});

describe("dsim run", () => {
  it("passes with exit 0 and prints the summary table", async () => {
    const result = await dsim(["run", "test-passing", "--runs", "12", "--seed", "5"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("dsim: seed 5 (from --seed)");
    expect(result.stdout).toMatch(/suite\s+runs\s+failures\s+simulated\s+wall\s+digest/);
    expect(result.stdout).toMatch(/test-passing\s+12\s+0\s+1\.8s\s+\S+\s+[0-9a-f]{12}\n/);
    expect(result.stdout).toContain("all 1 suite(s) passed (seed 5)");
  });

  it("json: exactly one object on stdout with the documented shape", async () => {
    const result = await dsim(["run", "test-passing", "--runs", "7", "--reporter", "json"], {
      DSIM_SEED: "77",
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("seed 77 (from DSIM_SEED)");
    const report = JSON.parse(result.stdout) as { seed: number; suites: JsonSuite[] };
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    expect(report.seed).toBe(77);
    expect(report.suites).toHaveLength(1);
    const [suite] = report.suites;
    expect(suite).toMatchObject({ name: "test-passing", runs: 7, failures: 0, simulatedMs: 1050 });
    expect(suite?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof suite?.wallMs).toBe("number");
    expect(suite?.failure).toBeUndefined();
  });

  it("runs every visible suite by default and uses the default seed", async () => {
    const result = await dsim(["run", "--runs", "3", "--reporter", "json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("seed 42 (default");
    const report = JSON.parse(result.stdout) as { seed: number; suites: JsonSuite[] };
    expect(report.seed).toBe(42);
    expect(report.suites.map((s) => s.name)).toEqual([
      "test-passing",
      "test-failing",
      "test-crashing",
    ]);
  });

  it("the same seed gives the same suite digest; sharding splits the runs", async () => {
    const digestOf = async (argv: string[]) => {
      const result = await dsim(["run", "test-passing", "--reporter", "json", ...argv]);
      return (JSON.parse(result.stdout) as { suites: JsonSuite[] }).suites[0];
    };
    const a = await digestOf(["--runs", "10", "--seed", "3"]);
    const b = await digestOf(["--runs", "10", "--seed", "3"]);
    const c = await digestOf(["--runs", "10", "--seed", "4"]);
    expect(b?.digest).toBe(a?.digest);
    expect(c?.digest).not.toBe(a?.digest);
    const s1 = await digestOf(["--runs", "10", "--seed", "3", "--shard", "1/2"]);
    const s2 = await digestOf(["--runs", "10", "--seed", "3", "--shard", "2/2"]);
    expect([s1?.runs, s2?.runs]).toEqual([5, 5]);
  });

  it("a failure exits 1 and prints plan, invariant, message and replay command", async () => {
    const result = await dsim(["run", "test-failing", "--runs", "50"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAILED test-failing \(seed 42, path "[\d:]+", \d+ shrinks\)/);
    expect(result.stdout).toContain("invariant: test.sum-within-limit");
    expect(result.stdout).toMatch(/message: {3}delays add up to \d+/);
    expect(result.stdout).toContain('"delays": [');
    expect(result.stdout).toMatch(
      /replay: {4}pnpm dsim replay test-failing --seed 42 --path "[\d:]+"/,
    );
    expect(result.stdout).toContain("1 of 1 suite(s) failed (seed 42)");
  });

  it("junit with --out writes junit.xml and report.json", async () => {
    const out = join(dir, "junit-out");
    const result = await dsim([
      "run",
      "test-passing",
      "test-failing",
      "--runs",
      "40",
      "--reporter",
      "junit",
      "--out",
      out,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const xml = await readFile(join(out, "junit.xml"), "utf8");
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain('<testsuites name="dsim" tests="2" failures="1"');
    expect(xml).toContain('<testcase classname="dsim" name="test-passing"');
    expect(xml).toMatch(/<failure message="test.sum-within-limit: delays add up to \d+"/);
    expect(xml).toContain("pnpm dsim replay test-failing --seed 42 --path &quot;");
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    const report = JSON.parse(await readFile(join(out, "report.json"), "utf8")) as {
      suites: JsonSuite[];
    };
    expect(report.suites.map((s) => [s.name, s.failures])).toEqual([
      ["test-passing", 0],
      ["test-failing", 1],
    ]);
  });

  it("junit without --out prints the XML on stdout", async () => {
    const result = await dsim(["run", "test-passing", "--runs", "2", "--reporter", "junit"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('<testsuites name="dsim" tests="1" failures="0"');
  });

  it("a spent time budget stops the runs and still exits 0 when nothing failed", async () => {
    const captured = captureIo({});
    let now = 0;
    const io = { ...captured.io, wallClock: () => (now += 20) };
    const code = await main(
      ["run", "test-passing", "--runs", "100", "--time-budget", "200ms", "--reporter", "json"],
      io,
      registry,
    );
    expect(code).toBe(0);
    const report = JSON.parse(captured.stdout()) as {
      suites: (JsonSuite & { interrupted: boolean })[];
    };
    expect(report.suites[0]?.interrupted).toBe(true);
    expect(report.suites[0]?.runs).toBeLessThan(100);
  });

  it("the budget is shared: a suite that starts after it is spent runs nothing", async () => {
    const captured = captureIo({});
    let now = 0;
    const io = { ...captured.io, wallClock: () => (now += 20) };
    const argv = ["run", "test-passing", "test-failing", "--runs", "100", "--time-budget", "200ms"];
    const code = await main([...argv, "--reporter", "json"], io, registry);
    expect(code).toBe(0);
    const report = JSON.parse(captured.stdout()) as {
      suites: (JsonSuite & { interrupted: boolean })[];
    };
    expect(report.suites.map((s) => [s.name, s.interrupted])).toEqual([
      ["test-passing", true],
      ["test-failing", true],
    ]);
    expect(report.suites[1]?.runs).toBe(0);
  });
});

describe("run → fail → replay", () => {
  it("the printed replay command reproduces the invariant and the digest", async () => {
    const run = await dsim(["run", "test-failing", "--runs", "50", "--reporter", "json"]);
    expect(run.code).toBe(1);
    const failure = (JSON.parse(run.stdout) as { suites: JsonSuite[] }).suites[0]?.failure;
    if (failure === undefined) throw new Error("expected a failure");
    const { env, argv } = replayArgv(failure.replay);
    const replay = await dsim([...argv, "--reporter", "json"], env);
    expect(replay.code).toBe(1);
    const replayed = JSON.parse(replay.stdout) as { invariant: string; digest: string };
    expect(replayed.invariant).toBe(failure.invariant);
    expect(replayed.digest).toBe(failure.digest);
  });

  it("demo suites: DSIM_DEMO=1 run fails, and its replay (with --trace) matches", async () => {
    const env = { DSIM_DEMO: "1" };
    const run = await dsim(["run", "test-demo", "--runs", "50", "--reporter", "json"], env);
    expect(run.code).toBe(1);
    const failure = (JSON.parse(run.stdout) as { suites: JsonSuite[] }).suites[0]?.failure;
    if (failure === undefined) throw new Error("expected a failure");
    expect(failure.replay.startsWith("DSIM_DEMO=1 pnpm dsim replay test-demo")).toBe(true);
    const { env: replayEnv, argv } = replayArgv(failure.replay);
    const trace = join(dir, "demo", "trace.jsonl");
    const replay = await dsim([...argv, "--trace", trace], replayEnv);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(`FAILED invariant: ${failure.invariant}`);
    expect(replay.stdout).toContain(`digest:    ${failure.digest}`);
    const lines = (await readFile(trace, "utf8")).trim().split("\n");
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      expect(JSON.parse(line)).toHaveProperty("kind");
    }
    // Without DSIM_DEMO=1 the same command is refused.
    expect((await dsim(argv)).code).toBe(2);
  });

  it("replaying a passing case exits 0", async () => {
    const result = await dsim(["replay", "test-passing", "--seed", "1", "--path", "3"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("passed: the case did not fail");
  });

  it("a path beyond the shrink tree is a usage error", async () => {
    const result = await dsim(["replay", "test-failing", "--seed", "42", "--path", "0:999999"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--path: path "0:999999" does not decode for test-failing's arbitrary/,
    );
  });
});
