import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { replayArgv } from "./capture-io.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

function dsim(args: string[], env: Record<string, string>) {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "packages/scenarios/src/cli.ts", ...args],
    { cwd: root, env: { ...process.env, DSIM_SEED: "", ...env }, encoding: "utf8" },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Failure {
  invariant: string;
  digest: string;
  replay: string;
}

it("the real CLI: DSIM_DEMO=1 run fails (exit 1), its replay command reproduces it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "dsim-smoke-"));
  try {
    const run = dsim(["run", "demo-failure", "--reporter", "json"], { DSIM_DEMO: "1" });
    expect(run.code, run.stderr).toBe(1);
    const failure = (JSON.parse(run.stdout) as { suites: { failure?: Failure }[] }).suites[0]
      ?.failure;
    if (failure === undefined) throw new Error(`no failure reported: ${run.stdout}`);
    const { env, argv } = replayArgv(failure.replay);
    const trace = join(dir, "trace.jsonl");
    const replay = dsim([...argv, "--trace", trace, "--reporter", "json"], env);
    expect(replay.code, replay.stderr).toBe(1);
    const replayed = JSON.parse(replay.stdout) as { invariant: string; digest: string };
    expect(replayed.invariant).toBe(failure.invariant);
    expect(replayed.digest).toBe(failure.digest);
    const lines = (await readFile(trace, "utf8")).trim().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { kind: string }).kind)).toContain("gave-up");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 30_000);
