/** What {@link formatReplayCommand} needs to know about the failure. */
export interface ReplayCommandInput {
  readonly suite: string;
  readonly seed: number;
  readonly path: string;
  /** Demo suites only run with `DSIM_DEMO=1`, so their command sets it. */
  readonly demo?: boolean;
}

/**
 * The exact shell command that replays one failing case, e.g.
 * `pnpm dsim replay net-delivery --seed 42 --path "3:1:0"`.
 */
export function formatReplayCommand(input: ReplayCommandInput): string {
  const env = input.demo === true ? "DSIM_DEMO=1 " : "";
  return `${env}pnpm dsim replay ${input.suite} --seed ${input.seed} --path "${input.path}"`;
}
