/**
 * One shard of a run set: `index` is 1-based, as written on the command line (`--shard 2/4`).
 *
 * Scheme: the run indices `0 … runs-1` that an unsharded run would execute are split into `count`
 * contiguous blocks; shard `k` executes block `k`. Each block is handed to fast-check as a path
 * offset (`path: "<start>"`, `numRuns: <length>`), so shard runs are the very same generated cases
 * as the unsharded run's, with the same absolute indices: the union of all shards is exactly the
 * unsharded run set, without overlap, and a failure path found in a shard replays without the
 * shard.
 */
export interface Shard {
  /** 1-based shard number, in [1, count]. */
  readonly index: number;
  /** Number of shards, at least 1. */
  readonly count: number;
}

/** The half-open range `[start, end)` of run indices a shard executes. */
export interface RunRange {
  readonly start: number;
  readonly end: number;
}

/** Parses `k/n` (e.g. `2/4`). Throws a `RangeError` naming the value when it is not a valid shard. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (match === null) {
    throw new RangeError(`invalid shard "${text}": expected k/n, e.g. 1/4`);
  }
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`invalid shard "${text}": the shard count must be at least 1`);
  }
  if (!Number.isSafeInteger(index) || index < 1 || index > count) {
    throw new RangeError(`invalid shard "${text}": k must be between 1 and ${count}`);
  }
  return { index, count };
}

/** The run indices shard `shard` executes out of `runs` (all of them without a shard). */
export function shardRange(runs: number, shard?: Shard): RunRange {
  if (!Number.isSafeInteger(runs) || runs < 0) {
    throw new RangeError(`runs must be a non-negative integer, got ${runs}`);
  }
  if (shard === undefined) return { start: 0, end: runs };
  const { index, count } = shard;
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index)) {
    throw new RangeError(`invalid shard ${index}/${count}`);
  }
  if (index < 1 || index > count) throw new RangeError(`invalid shard ${index}/${count}`);
  return {
    start: Math.floor(((index - 1) * runs) / count),
    end: Math.floor((index * runs) / count),
  };
}
