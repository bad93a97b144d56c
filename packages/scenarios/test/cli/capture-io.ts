import type { CliIo } from "../../src/cli/io.js";

/** An in-memory {@link CliIo}: what the command wrote, and a chosen environment. */
export interface CapturedIo {
  readonly io: CliIo;
  stdout(): string;
  stderr(): string;
}

/** Builds an in-memory io with the given environment. */
export function captureIo(env: Record<string, string | undefined> = {}): CapturedIo {
  let out = "";
  let err = "";
  return {
    io: {
      stdout: (text) => {
        out += text;
      },
      stderr: (text) => {
        err += text;
      },
      env,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

/**
 * Splits a printed replay command (`[DSIM_DEMO=1 ]pnpm dsim replay <suite> --seed S --path "P"`)
 * into its environment and the argv that `main` takes.
 */
export function replayArgv(command: string): { env: Record<string, string>; argv: string[] } {
  const match = /^(DSIM_DEMO=1 )?pnpm dsim (replay \S+ --seed -?\d+) --path "([\d:]+)"$/.exec(
    command,
  );
  if (match === null) throw new Error(`not a replay command: ${command}`);
  return {
    env: match[1] === undefined ? {} : { DSIM_DEMO: "1" },
    argv: [...(match[2] ?? "").split(" "), "--path", match[3] ?? ""],
  };
}
