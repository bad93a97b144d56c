/** What {@link formatReplayCommand} needs to know about the failure. */
export interface ReplayCommandInput {
  readonly suite: string;
  readonly seed: number;
  readonly path: string;
  /** Demo suites only run with `DSIM_DEMO=1`, so their command sets it. */
  readonly demo?: boolean;
  /** The suite file of a user suite (`Suite.source`): the command then repeats `--suites`. */
  readonly suites?: string;
}

/** Quotes a path for a POSIX shell when it holds anything beyond plain path characters. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The exact shell command that replays one failing case, e.g.
 * `pnpm dsim replay net-delivery --seed 42 --path "3:1:0"`, or for a suite loaded from a file
 * `npx dsim replay --suites ./my.suite.ts my-suite --seed 42 --path "3:1:0"`.
 */
export function formatReplayCommand(input: ReplayCommandInput): string {
  const env = input.demo === true ? "DSIM_DEMO=1 " : "";
  const tail = `${input.suite} --seed ${input.seed} --path "${input.path}"`;
  // A user suite runs through the installed `dsim` bin, from the directory the file path is
  // relative to; the built-in suites run through the workspace's `pnpm dsim` script.
  if (input.suites !== undefined) {
    return `${env}npx dsim replay --suites ${shellWord(input.suites)} ${tail}`;
  }
  return `${env}pnpm dsim replay ${tail}`;
}
