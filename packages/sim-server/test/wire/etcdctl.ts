import { execFile } from "node:child_process";
import { existsSync } from "node:fs";

/** What one etcdctl invocation produced. */
export interface EtcdctlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const CANDIDATES = ["/usr/bin/etcdctl", "/usr/local/bin/etcdctl"];

/**
 * The etcdctl binary. Throws (the suite fails loudly, it never skips) when it is missing, with
 * the command that installs it.
 */
export function etcdctlPath(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found === undefined) {
    throw new Error(
      "etcdctl is not installed: run `apt-get install -y etcd-client` (Debian ships etcdctl 3.4)",
    );
  }
  return found;
}

/** Runs `etcdctl --endpoints=<endpoints> …args` with a bounded timeout (a hung call fails). */
export function etcdctl(
  endpoints: readonly string[],
  args: readonly string[],
  timeoutMs = 15_000,
): Promise<EtcdctlResult> {
  const binary = etcdctlPath();
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      [`--endpoints=${endpoints.join(",")}`, "--dial-timeout=3s", "--command-timeout=5s", ...args],
      { timeout: timeoutMs, env: { ...process.env, ETCDCTL_API: "3" } },
      (error, stdout, stderr) => {
        if (error !== null && (error as { killed?: boolean }).killed === true) {
          reject(new Error(`etcdctl ${args.join(" ")} timed out after ${timeoutMs} ms\n${stderr}`));
          return;
        }
        const code = error === null ? 0 : Number((error as { code?: unknown }).code ?? 1);
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The hex lease ID from `lease grant` output (`lease 694d… granted with TTL(10s)`). */
export function grantedId(stdout: string): string {
  const match = /lease ([0-9a-f]+) granted with TTL\((\d+)s\)/.exec(stdout);
  if (match?.[1] === undefined) throw new Error(`unexpected etcdctl grant output: ${stdout}`);
  return match[1];
}
