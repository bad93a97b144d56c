import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandGlob, globToRegExp, isGlob } from "../../src/cli/suites-glob.js";
import { extractSuitesOption } from "../../src/cli/suites-option.js";
import { UsageError } from "../../src/cli/usage.js";
import { formatReplayCommand } from "../../src/runner/replay-command.js";

describe("extractSuitesOption", () => {
  it("takes --suites out of the arguments, in both spellings", () => {
    expect(extractSuitesOption(["a", "--suites", "x.ts", "--runs", "5"])).toEqual({
      pattern: "x.ts",
      rest: ["a", "--runs", "5"],
    });
    expect(extractSuitesOption(["--suites=s/*.ts", "b"])).toEqual({
      pattern: "s/*.ts",
      rest: ["b"],
    });
    expect(extractSuitesOption(["--runs", "5"])).toEqual({
      pattern: undefined,
      rest: ["--runs", "5"],
    });
  });

  it("leaves everything after -- alone", () => {
    expect(extractSuitesOption(["--", "--suites", "x"])).toEqual({
      pattern: undefined,
      rest: ["--", "--suites", "x"],
    });
  });

  it.each([
    [["--suites"], /needs a file or a glob/],
    [["--suites", "--runs"], /needs a file or a glob/],
    [["--suites", "a", "--suites=b"], /given more than once/],
  ])("refuses %o with a usage error", (args, message) => {
    expect(() => extractSuitesOption(args)).toThrow(UsageError);
    expect(() => extractSuitesOption(args)).toThrow(message);
  });
});

describe("globs", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dsim-glob-"));
    for (const file of [
      "a.suite.ts",
      "b.suite.js",
      "c.ts",
      "deep/x/d.suite.ts",
      "node_modules/e.suite.ts",
    ]) {
      await mkdir(join(dir, file, ".."), { recursive: true });
      await writeFile(join(dir, file), "");
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("tells patterns from plain files", () => {
    expect(isGlob("a/b.ts")).toBe(false);
    expect(isGlob("a/*.ts")).toBe(true);
    expect(isGlob("a/{b,c}.ts")).toBe(true);
  });

  it("translates *, **, ? and {a,b}", () => {
    expect(globToRegExp("*.suite.ts").test("a.suite.ts")).toBe(true);
    expect(globToRegExp("*.suite.ts").test("x/a.suite.ts")).toBe(false);
    expect(globToRegExp("**/*.ts").test("a.ts")).toBe(true);
    expect(globToRegExp("**/*.ts").test("x/y/a.ts")).toBe(true);
    expect(globToRegExp("?.ts").test("ab.ts")).toBe(false);
    expect(globToRegExp("a.{ts,js}").test("a.js")).toBe(true);
    expect(globToRegExp("a.ts").test("aXts")).toBe(false);
  });

  it("expands sorted, relative as spelled, skipping node_modules", async () => {
    expect(await expandGlob("*.suite.{ts,js}", dir)).toEqual(["a.suite.ts", "b.suite.js"]);
    expect(await expandGlob("./**/*.suite.ts", dir)).toEqual([
      "./a.suite.ts",
      "./deep/x/d.suite.ts",
    ]);
    expect(await expandGlob("missing/*.ts", dir)).toEqual([]);
    expect(await expandGlob(`${dir}/deep/**/*.ts`, "/")).toEqual([`${dir}/deep/x/d.suite.ts`]);
  });
});

describe("formatReplayCommand with a suite file", () => {
  it("repeats --suites through the installed bin, quoting unusual paths", () => {
    const base = { suite: "s", seed: 3, path: "1:2" };
    expect(formatReplayCommand({ ...base, suites: "./my.suite.ts" })).toBe(
      'npx dsim replay --suites ./my.suite.ts s --seed 3 --path "1:2"',
    );
    expect(formatReplayCommand({ ...base, suites: "my dir/it's.ts" })).toBe(
      `npx dsim replay --suites 'my dir/it'\\''s.ts' s --seed 3 --path "1:2"`,
    );
    expect(formatReplayCommand(base)).toBe('pnpm dsim replay s --seed 3 --path "1:2"');
  });
});
