import { execFileSync } from "node:child_process";

/** The message a conformance run fails with when no etcd binary is installed. */
export const ETCD_MISSING =
  "etcd is not installed: run `bash scripts/etcd/ensure-etcd.sh` (installs Debian's etcd-server " +
  "and etcd-client) or put an `etcd` binary on PATH, or set ETCD_BIN";

/**
 * The etcd server binary: `$ETCD_BIN` or `etcd` on PATH, checked by running `--version`.
 *
 * @throws Error with {@link ETCD_MISSING} when it cannot be run. The conformance suite never
 *   skips silently: a missing etcd fails the run.
 */
export function etcdBinary(): { path: string; version: string } {
  const path = process.env.ETCD_BIN ?? "etcd";
  try {
    const out = execFileSync(path, ["--version"], { encoding: "utf8", timeout: 10_000 });
    const version = /etcd Version: (\S+)/.exec(out)?.[1] ?? "unknown";
    return { path, version };
  } catch (error) {
    throw new Error(ETCD_MISSING, { cause: error });
  }
}
