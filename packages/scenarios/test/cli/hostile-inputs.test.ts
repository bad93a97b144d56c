import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { SERVE_HELP, serveCommand } from "../../src/cli/serve-command.js";
import { UsageError } from "../../src/cli/usage.js";
import { replayCase } from "../../src/runner/replay-case.js";
import { runSuite } from "../../src/runner/run-suite.js";
import { InvariantViolation, type Suite } from "../../src/runner/suite.js";
import { failingSuite, passingSuite, steppingClock, type TimerCase } from "../runner/fixtures.js";
import { captureIo } from "./capture-io.js";

/** Counts executed cases, so a test can prove that a usage error came before any work. */
let executed = 0;
const countingSuite: Suite<TimerCase> = {
  ...passingSuite,
  name: "test-counting",
  run: async (sim, testCase) => {
    executed += 1;
    await passingSuite.run(sim, testCase);
  },
};

/** A suite whose cases are a single constant: a shrink path of another suite cannot decode. */
const constantSuite: Suite<number> = {
  name: "test-constant",
  description: "test: one constant case that passes",
  defaultRuns: 5,
  arbitrary: fc.constant(7),
  plan: (value) => ({ value }),
  run: async (sim) => {
    await sim.runFor(10);
  },
};

const registry: readonly Suite<unknown>[] = [
  passingSuite,
  failingSuite,
  countingSuite,
  constantSuite,
] as readonly Suite<unknown>[];

async function dsim(argv: string[], env: Record<string, string | undefined> = {}) {
  const captured = captureIo(env);
  const code = await main(argv, captured.io, registry);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** A usage error: exit 2, one message line naming `flag`, no stack trace, nothing on stdout. */
function expectUsageError(
  result: { code: number; stdout: string; stderr: string },
  flag: RegExp,
): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  const [first, ...rest] = result.stderr.trimEnd().split("\n");
  expect(first).toMatch(/^dsim: /);
  expect(first).toMatch(flag);
  expect(rest.join("\n")).not.toMatch(/\n?\s+at /);
  expect(result.stderr).not.toMatch(/internal error|\bat .*\.ts:\d+/);
}

let dir = "";
let aFile = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dsim-hostile-"));
  aFile = join(dir, "a-file");
  await writeFile(aFile, "not a directory\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("output paths are checked before any run", () => {
  const cases: [string, () => string[], RegExp][] = [
    ["--out on an existing file", () => ["--out", aFile], /--out/],
    ["--out under a file", () => ["--out", join(aFile, "x")], /--out/],
    ["--out that cannot be created", () => ["--out", "/proc/dsim-no/such"], /--out/],
    ["--save-failures on a file", () => ["--save-failures", aFile], /--save-failures/],
    [
      "--save-failures under a file",
      () => ["--save-failures", join(aFile, "d")],
      /--save-failures/,
    ],
    ["--corpus on a file", () => ["--corpus", aFile], /--corpus/],
    ["--corpus on a missing directory", () => ["--corpus", join(dir, "missing")], /--corpus/],
  ];
  it.each(cases)("%s: exit 2 naming the flag, nothing run", async (_name, flags, pattern) => {
    executed = 0;
    const result = await dsim(["run", "test-counting", "--runs", "3", ...flags()]);
    expectUsageError(result, pattern);
    expect(executed).toBe(0);
  });

  it("--out on a new directory is created and written", async () => {
    const out = join(dir, "new", "reports");
    const result = await dsim(["run", "test-passing", "--runs", "2", "--out", out]);
    expect(result.code).toBe(0);
    expect((await stat(join(out, "report.json"))).isFile()).toBe(true);
  });

  it("merge --out under a file: exit 2 naming the flag, nothing read", async () => {
    const result = await dsim(["merge", join(dir, "missing.json"), "--out", join(aFile, "m")]);
    expectUsageError(result, /--out/);
  });

  const replayCases: [string, () => string[], RegExp][] = [
    ["--trace under a file", () => ["--trace", join(aFile, "t.jsonl")], /--trace/],
    ["--trace on a directory", () => ["--trace", dir], /--trace/],
    ["--html under a file", () => ["--html", join(aFile, "t.html")], /--html/],
    ["--html on a directory", () => ["--html", dir], /--html/],
  ];
  it.each(replayCases)("replay %s: exit 2 naming the flag", async (_name, flags, pattern) => {
    executed = 0;
    const result = await dsim(["replay", "test-counting", "--path", "1", ...flags()]);
    expectUsageError(result, pattern);
    expect(executed).toBe(0);
  });
});

describe("replay", () => {
  it("a path that does not decode for the suite's arbitrary says so", async () => {
    const run = await dsim(["run", "test-failing", "--seed", "42", "--reporter", "json"]);
    const path = (JSON.parse(run.stdout) as { suites: { failure: { path: string } }[] }).suites[0]
      ?.failure.path;
    expect(path).toMatch(/:/);
    const result = await dsim(["replay", "test-constant", "--seed", "42", "--path", path ?? ""]);
    expectUsageError(result, /--path: .*does not decode for test-constant/);
  });

  it("a path that decodes but passes names the suite it was replayed on", async () => {
    const result = await dsim(["replay", "test-passing", "--seed", "42", "--path", "2"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/only names a case of the suite it was printed for/);
  });

  it("without --seed prints that it uses the default", async () => {
    const result = await dsim(["replay", "test-passing", "--path", "2"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/seed 42 \(default; set --seed or DSIM_SEED/);
  });
});

interface JsonReport {
  seed: number;
  suites: { digest: string; failure?: { replay: string } }[];
}

async function digestOf(seed: string): Promise<{ seed: number; digest: string }> {
  const result = await dsim([
    "run",
    "test-passing",
    "--runs",
    "4",
    `--seed=${seed}`,
    "--reporter",
    "json",
  ]);
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as JsonReport;
  return { seed: report.seed, digest: report.suites[0]?.digest ?? "" };
}

describe("seeds", () => {
  it.each([
    ["4294967295", "-1"],
    ["2147483648", "-2147483648"],
    ["9007199254740991", "-9007199254740991"],
    ["10234567890", "1644633298"],
  ])("%s and %s give different run sets", async (a, b) => {
    const [x, y] = [await digestOf(a), await digestOf(b)];
    expect(x.digest).not.toBe(y.digest);
  });

  it.each(["10234567890", "9007199254740991", "-9007199254740991", "4294967296"])(
    "accepts %s (a CI run id) and prints it as given",
    async (seed) => {
      const result = await dsim(["run", "test-passing", "--runs", "2", "--seed", seed]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`dsim: seed ${seed} (from --seed)`);
      expect(result.stdout).toContain(seed);
      const again = await digestOf(seed);
      expect(again.seed).toBe(Number(seed));
      expect((await digestOf(seed)).digest).toBe(again.digest);
    },
  );

  it("a large seed's failure replays with the printed command", async () => {
    const seed = "10234567890";
    const run = await dsim(["run", "test-failing", "--seed", seed, "--reporter", "json"]);
    expect(run.code).toBe(1);
    const replay = (JSON.parse(run.stdout) as JsonReport).suites[0]?.failure?.replay ?? "";
    expect(replay).toContain(`--seed ${seed} `);
    const path = /--path "([\d:]+)"/.exec(replay)?.[1] ?? "";
    const result = await dsim(["replay", "test-failing", "--seed", seed, "--path", path]);
    expect(result.code).toBe(1);
  });

  it.each(["9007199254740992", "-9007199254740992", "1e3", "0x10"])(
    "refuses %s naming the range",
    async (seed) => {
      expectUsageError(await dsim(["run", "test-passing", `--seed=${seed}`]), /--seed/);
    },
  );
});

describe("shrink budget flags", () => {
  it.each([
    [["--shrink-steps", "x"], /--shrink-steps/],
    [["--shrink-steps", "-1"], /--shrink-steps/],
    [["--shrink-time", "forever"], /--shrink-time/],
  ])("dsim run %j is a usage error", async (flags, pattern) => {
    executed = 0;
    expectUsageError(await dsim(["run", "test-counting", ...flags]), pattern);
    expect(executed).toBe(0);
  });

  it("--shrink-steps bounds shrinking and the report says it was truncated", async () => {
    const result = await dsim([
      "run",
      "test-failing",
      "--seed",
      "42",
      "--shrink-steps",
      "2",
      "--reporter",
      "json",
    ]);
    expect(result.code).toBe(1);
    const failure = (
      JSON.parse(result.stdout) as {
        suites: { failure: { shrinkTruncated: boolean; shrinkStop: string } }[];
      }
    ).suites[0]?.failure;
    expect(failure?.shrinkTruncated).toBe(true);
    expect(failure?.shrinkStop).toBe("shrink-steps");
  });
});

/** A suite that always fails and whose shrinker never ends: each value shrinks to the next. */
function endlessShrinkSuite(cycle: boolean): Suite<number> {
  class Endless extends fc.Arbitrary<number> {
    generate(): fc.Value<number> {
      return new fc.Value(1, undefined);
    }
    canShrinkWithoutContext(value: unknown): value is number {
      return typeof value === "number";
    }
    shrink(value: number): fc.Stream<fc.Value<number>> {
      // The cyclic variant goes 1 → 2 → 1 → …; the other grows forever, never repeating.
      return fc.Stream.of(new fc.Value(cycle ? 3 - value : value + 1, undefined));
    }
  }
  return {
    name: cycle ? "test-cyclic-shrink" : "test-endless-shrink",
    description: "test: fails always, shrinks forever",
    defaultRuns: 5,
    arbitrary: new Endless(),
    plan: (value) => ({ value }),
    run: async (sim, value) => {
      await sim.runFor(1);
      throw new InvariantViolation("test.always", `value ${value}`);
    },
  };
}

describe("endless shrinking terminates and is reported", () => {
  it("a shrinker that cycles stops on the repeated counterexample", async () => {
    const captured = captureIo();
    const code = await main(
      ["run", "test-cyclic-shrink", "--seed", "3", "--reporter", "json"],
      captured.io,
      [endlessShrinkSuite(true)] as readonly Suite<unknown>[],
    );
    expect(code).toBe(1);
    const failure = (
      JSON.parse(captured.stdout()) as {
        suites: { failure: { shrinkStop: string; shrinks: number } }[];
      }
    ).suites[0]?.failure;
    expect(failure?.shrinkStop).toBe("cycle");
    // The simulation seed shrinks first (to 0), then the case cycles 1 → 2 → 1 and stops.
    expect(failure?.shrinks).toBeLessThan(100);
  });

  it("a shrinker that never repeats stops at the step budget", async () => {
    const captured = captureIo();
    const code = await main(
      ["run", "test-endless-shrink", "--seed", "3", "--shrink-steps", "25", "--reporter", "json"],
      captured.io,
      [endlessShrinkSuite(false)] as readonly Suite<unknown>[],
    );
    expect(code).toBe(1);
    const failure = (
      JSON.parse(captured.stdout()) as {
        suites: {
          failure: { shrinkStop: string; shrinkTruncated: boolean; shrinks: number; path: string };
        }[];
      }
    ).suites[0]?.failure;
    expect(failure?.shrinkStop).toBe("shrink-steps");
    expect(failure?.shrinkTruncated).toBe(true);
    expect(failure?.shrinks).toBe(25);
  });

  it("a shrinker that never repeats stops at the shrink time, with a replayable case", async () => {
    const suite = endlessShrinkSuite(false);
    // Every wall-clock read advances 10 ms: 200 ms of shrinking is a few dozen attempts.
    const result = await runSuite(suite, {
      seed: 3,
      runs: 5,
      shrinkTimeMs: 200,
      wallClock: steppingClock(10),
    });
    const failure = result.failure;
    expect(failure?.shrinkStop).toBe("shrink-time");
    expect(failure?.shrinkTruncated).toBe(true);
    expect(failure?.shrinks).toBeGreaterThan(0);
    const replay = await replayCase(suite, { seed: 3, path: failure?.path ?? "" });
    expect(replay.failed).toBe(true);
    expect(replay.digest).toBe(failure?.digest);
  });

  it("the pretty report marks a truncated shrink", async () => {
    const captured = captureIo();
    await main(["run", "test-endless-shrink", "--seed", "3", "--shrink-steps", "5"], captured.io, [
      endlessShrinkSuite(false),
    ] as readonly Suite<unknown>[]);
    expect(captured.stdout()).toMatch(/truncated: shrinking stopped after 5 shrink attempts/);
  });
});

describe("serve: bad ports and hosts are usage errors", () => {
  it("--help says what DELETE /faults clears", () => {
    expect(SERVE_HELP).toMatch(/DELETE clears EVERY fault/);
    expect(SERVE_HELP).toMatch(/leader loss, quorum loss or member restart/);
  });

  it.each([
    [["etcd", "--port", "65535", "--members", "3"], /--port/],
    [["etcd", "--port", "65534", "--members", "5"], /--port/],
    [["http", "--host", "999.1.1.1"], /--host/],
    [["http", "--host", ""], /--host/],
    [["etcd", "--host", "256.0.0.1"], /--host/],
    [["http", "--host", "-bad-"], /--host/],
  ])("dsim serve %j", async (args, pattern) => {
    const captured = captureIo();
    // An aborted stop signal: a server that wrongly starts shuts down at once instead of hanging.
    const stop = new AbortController();
    stop.abort();
    let error: unknown;
    try {
      await serveCommand(args, captured.io, stop.signal);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect(String(error)).toMatch(pattern);
    expect(String(error)).not.toContain("\n");
    expect(captured.stdout()).toBe("");
  });
});
