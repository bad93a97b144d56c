import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** What the CLI touches of the outside world, injected so tests can run `main` in-process. */
export interface CliIo {
  /** Writes to standard output. */
  readonly stdout: (text: string) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  /** The environment (`DSIM_SEED`, `DSIM_DEMO`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Wall clock in ms, for progress throttling and measurements. */
  readonly wallClock?: () => number;
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    env: process.env,
    wallClock: () => performance.now(),
  };
}

/** Writes `content` to `path`, creating missing parent directories. */
export async function writeTextFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, "utf8");
}
