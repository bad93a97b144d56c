import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const CLI = resolve(ROOT, "packages/scenarios/src/cli.ts");

/** A `dsim serve …` child process, started with `node --import tsx` (signals reach it directly). */
export interface ServeProcess {
  readonly child: ChildProcess;
  /** `name: value` lines printed before `ready`. */
  readonly lines: ReadonlyMap<string, string>;
  readonly stderr: () => string;
  /** Sends `signal` and resolves with the exit code (rejects after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Runs `dsim …args` to completion (for usage errors), bounded. */
export function runDsim(
  args: readonly string[],
  timeoutMs = 20_000,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      ["--import", "tsx", CLI, ...args],
      { cwd: ROOT, timeout: timeoutMs },
      (error, _out, stderr) => {
        resolvePromise({
          code: error === null ? 0 : Number((error as { code?: unknown }).code ?? 1),
          stderr,
        });
      },
    );
  });
}

/** Starts `dsim serve …args` and waits (bounded) for its `ready` line. */
export function startServe(args: readonly string[], timeoutMs = 20_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "serve", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolveExit) =>
    child.once("exit", (code) => resolveExit(code)),
  );
  const stop = async (
    signal: NodeJS.Signals = "SIGTERM",
    stopTimeoutMs = 10_000,
  ): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(
          new Error(`dsim serve did not exit within ${stopTimeoutMs} ms of ${signal}\n${err}`),
        );
      }, stopTimeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `dsim serve printed no "ready" within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`,
        ),
      );
    }, timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (!out.split("\n").includes("ready")) return;
      clearTimeout(timer);
      const lines = new Map<string, string>();
      for (const line of out.split("\n")) {
        const at = line.indexOf(": ");
        if (at > 0) lines.set(line.slice(0, at), line.slice(at + 2));
      }
      resolveStart({ child, lines, stderr: () => err, stop });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(`dsim serve exited (${code}) before "ready"\nstdout: ${out}\nstderr: ${err}`),
      );
    });
  });
}

/** The etcdctl binary, or a loud failure naming the install command. */
export function etcdctlBinary(): string {
  const found = ["/usr/bin/etcdctl", "/usr/local/bin/etcdctl"].find((p) => existsSync(p));
  if (found === undefined) {
    throw new Error("etcdctl is not installed: run `apt-get install -y etcd-client`");
  }
  return found;
}

/** Runs etcdctl against `endpoints`, bounded. */
export function etcdctl(
  endpoints: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(
      etcdctlBinary(),
      [`--endpoints=${endpoints}`, "--command-timeout=5s", ...args],
      { timeout: 15_000, env: { ...process.env, ETCDCTL_API: "3" } },
      (error, stdout, stderr) =>
        resolvePromise({
          code: error === null ? 0 : Number((error as { code?: unknown }).code ?? 1),
          stdout,
          stderr,
        }),
    );
  });
}
