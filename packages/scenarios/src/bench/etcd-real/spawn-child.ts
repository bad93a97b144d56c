import { spawn } from "node:child_process";
import {
  type ChildConfig,
  type ChildMarker,
  type ChildResult,
  parseChildLine,
} from "./protocol.js";

/** What a child run produced. */
export interface ChildRun {
  readonly result: ChildResult;
  /** Whether the child exited by itself after `close()` (nothing left on its event loop). */
  readonly exitedByItself: boolean;
}

/** After its result line, a child that has not exited within this is killed (and reported). */
const EXIT_GRACE_MS = 10_000;

/**
 * Runs one client in `node --expose-gc [nodeArgs] <script>` (the bundled child, see `bundleChild`)
 * and resolves with its result line. Lines the child prints that are not part of the protocol (a
 * `--trace-gc` in `nodeArgs`, a stray log) are passed on to this process's stderr.
 * `onMarker` is awaited in order for each marker line (the parent scrapes etcd's metrics there).
 *
 * @throws Error with the child's stderr when it exits without a result or runs past `timeoutMs`.
 */
export function runChild(
  script: string,
  config: ChildConfig,
  onMarker: (marker: ChildMarker) => Promise<void>,
  timeoutMs: number,
  nodeArgs: readonly string[] = [],
): Promise<ChildRun> {
  const child = spawn(
    process.execPath,
    ["--expose-gc", ...nodeArgs, script, JSON.stringify(config)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return new Promise<ChildRun>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    let result: ChildResult | undefined;
    let killedAfterResult = false;
    let markers = Promise.resolve();
    let graceTimer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      let newline = stdout.indexOf("\n");
      while (newline >= 0) {
        const raw = stdout.slice(0, newline);
        const line = parseChildLine(raw);
        stdout = stdout.slice(newline + 1);
        newline = stdout.indexOf("\n");
        if (line === undefined) {
          if (raw.trim() !== "") process.stderr.write(`[${config.client}] ${raw}\n`);
          continue;
        }
        if ("marker" in line) {
          markers = markers.then(() => onMarker(line));
        } else {
          result = line;
          graceTimer = setTimeout(() => {
            killedAfterResult = true;
            child.kill("SIGKILL");
          }, EXIT_GRACE_MS);
        }
      }
    });
    child.once("error", (error) => {
      clearTimeout(deadline);
      clearTimeout(graceTimer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(graceTimer);
      const finished = result;
      markers.then(
        () => {
          if (finished === undefined) {
            reject(
              new Error(
                `${config.client} child exited (code ${code}, signal ${signal}) without a result\n${stderr}`,
              ),
            );
          } else {
            resolve({ result: finished, exitedByItself: !killedAfterResult });
          }
        },
        (error: unknown) => {
          reject(error);
        },
      );
    });
  });
}
