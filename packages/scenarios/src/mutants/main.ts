/**
 * `pnpm mutants`: the mutation score of the suites, measured with the patch catalog under
 * packages/scenarios/mutants/ (docs/ci.md, "Mutants"). See {@link MUTANTS_HELP}.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MUTANTS_HELP, type MutantsArgs, parseMutantsArgs } from "./args.js";
import { loadCatalog, type MutantPatch } from "./catalog.js";
import { runSuiteInChild } from "./run-suite-child.js";
import { formatTable, type MutantResult, resultOf, scores } from "./score.js";
import { lockSlots } from "./slot-lock.js";
import { repositoryRoot, resolveCommit, ScratchWorktree } from "./worktree.js";

/** The unmutated control run of one suite. */
interface Baseline {
  readonly suite: string;
  readonly passed: boolean;
  readonly message?: string;
  readonly wallMs: number;
}

type Task =
  | { readonly kind: "baseline"; readonly suite: string }
  | { readonly kind: "mutant"; readonly patch: MutantPatch };

async function runTask(
  task: Task,
  tree: ScratchWorktree,
  args: MutantsArgs,
): Promise<Baseline | MutantResult> {
  const child = (suite: string) =>
    runSuiteInChild({
      cwd: tree.dir,
      suite,
      seed: args.seed,
      runs: args.runs,
      timeoutMs: args.timeoutMs,
    });
  if (task.kind === "baseline") {
    await tree.reset();
    const outcome = await child(task.suite);
    const message =
      outcome.kind === "failed"
        ? `unmutated suite fails: ${outcome.invariant} (${outcome.replay})`
        : outcome.kind === "passed"
          ? undefined
          : outcome.kind === "timeout"
            ? "unmutated suite timed out"
            : outcome.message;
    return {
      suite: task.suite,
      passed: outcome.kind === "passed",
      ...(message === undefined ? {} : { message }),
      wallMs: outcome.wallMs,
    };
  }
  const { patch } = task;
  const applied = await tree.apply(patch.file);
  if (!applied.ok) {
    return {
      id: patch.id,
      suite: patch.suite,
      kind: patch.kind,
      expect: patch.expect,
      status: "not-applied",
      message: applied.message,
      wallMs: 0,
    };
  }
  return resultOf(patch, await child(patch.suite));
}

function describe(result: Baseline | MutantResult): string {
  if (!("id" in result)) {
    return `baseline ${result.suite}: ${result.passed ? "passes" : `FAILS — ${result.message ?? ""}`}`;
  }
  const detail =
    result.status === "caught"
      ? ` at run ${result.runs ?? 0} by ${result.invariant ?? ""}${result.expected === true ? "" : ` (expected ${result.expect})`}`
      : "";
  return `${result.id}: ${result.status}${detail} (${(result.wallMs / 1000).toFixed(1)} s)`;
}

async function main(args: MutantsArgs): Promise<number> {
  const started = performance.now();
  const repo = await repositoryRoot(process.cwd());
  const base = await resolveCommit(repo, args.base);
  let patches = await loadCatalog(repo, args.suites);
  if (args.only.length > 0) {
    const unknown = args.only.filter((id) => !patches.some((p) => p.id === id));
    if (unknown.length > 0) throw new RangeError(`--only: no mutant ${unknown.join(", ")}`);
    patches = patches.filter((p) => args.only.includes(p.id));
  }
  const suites = [...new Set(patches.map((p) => p.suite))];
  const tasks: Task[] = [
    ...(args.baseline ? suites.map((suite): Task => ({ kind: "baseline", suite })) : []),
    ...patches.map((patch): Task => ({ kind: "mutant", patch })),
  ];
  const workdir =
    args.workdir ??
    join(tmpdir(), `dsim-mutants-${createHash("sha256").update(repo).digest("hex").slice(0, 8)}`);
  const jobs = Math.min(args.jobs, Math.max(tasks.length, 1));
  const slots = lockSlots(workdir, jobs);
  const release = (): void => {
    for (const slot of slots) slot.release();
  };
  process.once("exit", release);
  const trees = slots.map((slot) => new ScratchWorktree(repo, slot.dir, base));
  process.stderr.write(
    `mutants: ${patches.length} patches (${suites.join(", ")}) on ${base.slice(0, 12)}, ` +
      `seed ${args.seed}, ${args.runs} runs, ${jobs} jobs, worktrees in ${trees.map((t) => t.dir).join(", ")}\n`,
  );
  // Worktrees are prepared one after another: concurrent `git worktree add` contend on a lock.
  for (const tree of trees) await tree.prepare();
  const done: (Baseline | MutantResult | undefined)[] = tasks.map(() => undefined);
  let next = 0;
  let finished = 0;
  await Promise.all(
    trees.map(async (tree) => {
      for (;;) {
        const index = next;
        next += 1;
        const task = tasks[index];
        if (task === undefined) return;
        const result = await runTask(task, tree, args);
        done[index] = result;
        finished += 1;
        process.stderr.write(`[${finished}/${tasks.length}] ${describe(result)}\n`);
      }
    }),
  );
  // Leave the worktrees pristine for the next run (and for anyone who looks at them).
  for (const tree of trees) await tree.reset();
  release();
  const all = done.filter((r): r is Baseline | MutantResult => r !== undefined);
  const baselines = all.filter((r): r is Baseline => !("id" in r));
  const results = all.filter((r): r is MutantResult => "id" in r);
  const wallMs = Math.round(performance.now() - started);
  const summary = scores(results);
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({
        base,
        seed: args.seed,
        runs: args.runs,
        jobs,
        wallMs,
        baselines,
        scores: summary,
        mutants: results,
      })}\n`,
    );
  } else {
    for (const b of baselines) process.stdout.write(`${describe(b)}\n`);
    process.stdout.write(formatTable(results, wallMs));
  }
  const broken =
    results.some((r) => r.status === "not-applied" || r.status === "error") ||
    baselines.some((b) => !b.passed);
  const low =
    args.minScore !== undefined && summary.some((s) => s.scorePercent < (args.minScore ?? 0));
  return broken || low ? 1 : 0;
}

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  process.stdout.write(`${MUTANTS_HELP}\n`);
} else {
  let args: MutantsArgs | undefined;
  try {
    args = parseMutantsArgs(argv, process.env);
  } catch (error) {
    process.stderr.write(`mutants: ${(error as Error).message}\n${MUTANTS_HELP}\n`);
    process.exitCode = 2;
  }
  if (args !== undefined) {
    try {
      process.exitCode = await main(args);
    } catch (error) {
      process.stderr.write(`mutants: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = error instanceof RangeError ? 2 : 1;
    }
  }
}
