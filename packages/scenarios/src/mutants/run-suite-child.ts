import { spawn } from "node:child_process";

/** What one suite run in a child process produced. */
export type ChildOutcome =
  | {
      readonly kind: "passed";
      readonly runs: number;
      readonly wallMs: number;
    }
  | {
      readonly kind: "failed";
      /** Generated runs up to and including the first failing one. */
      readonly runs: number;
      readonly invariant: string;
      readonly message: string;
      /** The shrunk plan's fault count (0 when the plan lists no faults). */
      readonly planFaults: number;
      /** The shrunk plan's size as compact JSON, in bytes. */
      readonly planBytes: number;
      readonly replay: string;
      readonly wallMs: number;
    }
  | { readonly kind: "timeout"; readonly wallMs: number }
  | { readonly kind: "error"; readonly message: string; readonly wallMs: number };

/** Options of {@link runSuiteInChild}. */
export interface ChildOptions {
  /** The tree to run in (a scratch worktree, or the repository). */
  readonly cwd: string;
  readonly suite: string;
  readonly seed: number;
  readonly runs: number;
  /** The child is killed (SIGKILL) after this long and the outcome is `timeout`. */
  readonly timeoutMs: number;
}

interface ReportFailure {
  readonly invariant?: unknown;
  readonly message?: unknown;
  readonly plan?: unknown;
  readonly replay?: unknown;
}

interface ReportSuite {
  readonly name?: unknown;
  readonly runs?: unknown;
  readonly failure?: ReportFailure;
}

/** Parses the `dsim run --reporter json` object out of the child's stdout. */
export function parseRunReport(stdout: string, suite: string): ReportSuite | undefined {
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    const suites = (parsed as { suites?: unknown }).suites;
    if (!Array.isArray(suites)) continue;
    const found = (suites as ReportSuite[]).find((s) => s.name === suite);
    if (found !== undefined) return found;
  }
  return undefined;
}

function faultCount(plan: unknown): number {
  const faults = (plan as { faults?: unknown } | null)?.faults;
  return Array.isArray(faults) ? faults.length : 0;
}

/**
 * Runs `dsim run <suite> --reporter json --no-corpus` in `cwd` in a child process (so a patched
 * core is loaded fresh, and a mutant that hangs or crashes cannot take the runner with it) and
 * classifies what came out. Never rejects.
 */
export function runSuiteInChild(options: ChildOptions): Promise<ChildOutcome> {
  const started = performance.now();
  const tsx = import.meta.resolve("tsx");
  const args = [
    "--import",
    tsx,
    "packages/scenarios/src/cli.ts",
    "run",
    options.suite,
    "--runs",
    String(options.runs),
    "--seed",
    String(options.seed),
    "--reporter",
    "json",
    "--no-corpus",
  ];
  const env = { ...process.env };
  delete env.DSIM_SEED;
  return new Promise<ChildOutcome>((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    let finished = false;
    const finish = (code: number | null, spawnError?: Error): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const wallMs = Math.round(performance.now() - started);
      if (timedOut) {
        resolve({ kind: "timeout", wallMs });
        return;
      }
      if (spawnError !== undefined) {
        resolve({ kind: "error", message: spawnError.message, wallMs });
        return;
      }
      const report = parseRunReport(stdout, options.suite);
      const runs = typeof report?.runs === "number" ? report.runs : 0;
      const failure = report?.failure;
      if (code === 0 && report !== undefined && failure === undefined) {
        resolve({ kind: "passed", runs, wallMs });
      } else if (code === 1 && failure !== undefined) {
        resolve({
          kind: "failed",
          runs,
          invariant: String(failure.invariant),
          message: String(failure.message),
          planFaults: faultCount(failure.plan),
          planBytes: JSON.stringify(failure.plan ?? null).length,
          replay: String(failure.replay),
          wallMs,
        });
      } else {
        const tail = stderr.trim().split("\n").slice(-6).join("\n");
        resolve({ kind: "error", message: `exit ${String(code)}: ${tail}`, wallMs });
      }
    };
    child.on("error", (error) => finish(null, error));
    child.on("close", (code) => finish(code));
  });
}
