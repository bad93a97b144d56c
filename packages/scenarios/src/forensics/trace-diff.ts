import { traceLines } from "./parse-trace.js";

/** Where two traces of the same case first differ. */
export interface TraceDivergence {
  /**
   * Index of the first differing event. Events are numbered from 0 by the trace itself (`seq`), so
   * this is that event's `seq` in both traces.
   */
  readonly seq: number;
  /** The first trace's event at `seq` as canonical JSON, or `null` when that trace ended before. */
  readonly first: string | null;
  /** The second trace's event at `seq`, or `null` when that trace ended before. */
  readonly second: string | null;
}

/**
 * Compares two canonical JSONL traces line by line and returns the first divergence, or
 * `undefined` when they are identical. Canonical lines make a textual comparison exact: equal
 * events are equal strings.
 */
export function diffTraces(first: string, second: string): TraceDivergence | undefined {
  const a = traceLines(first);
  const b = traceLines(second);
  const length = Math.max(a.length, b.length);
  for (let seq = 0; seq < length; seq++) {
    const left = a[seq];
    const right = b[seq];
    if (left !== right) return { seq, first: left ?? null, second: right ?? null };
  }
  return undefined;
}
