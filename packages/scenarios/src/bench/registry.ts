import { connBench } from "./conn.js";
import { etcdRealBench } from "./etcd-real.js";
import { kernelBench } from "./kernel.js";
import { leaseBench } from "./lease.js";
import { parsersBench } from "./parsers.js";
import { refreshBench } from "./refresh.js";
import { socketsBench } from "./sockets.js";

/** A JSON value a benchmark may return. */
export type BenchValue =
  | string
  | number
  | boolean
  | null
  | readonly BenchValue[]
  | { readonly [key: string]: BenchValue };

/** Options every benchmark receives from the CLI. */
export interface BenchOptions {
  /** `--quick`: smaller workloads for a smoke run (numbers are noisier). */
  readonly quick: boolean;
  /** Progress lines for humans; silent under `--json`. */
  readonly log: (line: string) => void;
}

/**
 * One benchmark: an async function whose JSON-able result is printed under its registry key.
 * Prefer an array of flat rows (`[{ n, eventsPerSec, … }]`): the default output prints it as a
 * table. Measure side by side in one process and report ratios, not only absolute numbers.
 */
export interface Bench {
  /** One line for `pnpm bench --help`. */
  readonly description: string;
  /** Runs only when named with `--only` or selected with `--real` (it needs real processes). */
  readonly optIn?: boolean;
  run(options: BenchOptions): Promise<BenchValue>;
}

/**
 * Every benchmark, by the key used by `--only` and in the `--json` object. To add one, write
 * `bench/<name>.ts` exporting a {@link Bench} and add one line here.
 */
export const BENCHES: Readonly<Record<string, Bench>> = {
  kernel: kernelBench,
  conn: connBench,
  refresh: refreshBench,
  parsers: parsersBench,
  lease: leaseBench,
  etcdReal: etcdRealBench,
  sockets: socketsBench,
};
