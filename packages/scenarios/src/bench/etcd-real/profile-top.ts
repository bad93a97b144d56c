/**
 * The top self-time entries of a V8 `.cpuprofile` (the format `--cpu-prof` and the inspector's
 * `Profiler.stop` produce), summed per function over every call tree node it appears in.
 */

/** The parts of a V8 CPU profile this reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
    readonly hitCount?: number;
  }[];
  readonly startTime: number;
  readonly endTime: number;
}

/** One function's share of the samples. */
export interface SelfTimeEntry {
  readonly [key: string]: number | string;
  /** `name (file:line)`, with the path cut to its last two segments. */
  readonly fn: string;
  /** Estimated self time: its samples × the mean sampling interval, ms. */
  readonly selfMs: number;
  /** Share of the busy samples (every sample but `(idle)`; GC and `(program)` count), %. */
  readonly selfPct: number;
}

function label(frame: CpuProfile["nodes"][number]["callFrame"]): string {
  const name = frame.functionName === "" ? "(anonymous)" : frame.functionName;
  if (frame.url === "") return name;
  const file = frame.url.split("/").slice(-2).join("/");
  // V8's line numbers are 0-based.
  return `${name} (${file}:${frame.lineNumber + 1})`;
}

/** The `n` functions with the most self time, largest first; the idle thread is left out. */
export function topSelfTime(profile: CpuProfile, n: number): SelfTimeEntry[] {
  const hits = new Map<string, number>();
  let total = 0;
  let busy = 0;
  for (const node of profile.nodes) {
    const count = node.hitCount ?? 0;
    if (count === 0) continue;
    total += count;
    if (node.callFrame.functionName === "(idle)") continue;
    busy += count;
    const key = label(node.callFrame);
    hits.set(key, (hits.get(key) ?? 0) + count);
  }
  if (busy === 0) return [];
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / total;
  return [...hits.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([fn, count]) => ({
      fn,
      selfMs: Math.round(count * msPerSample * 10) / 10,
      selfPct: Math.round((count / busy) * 1000) / 10,
    }));
}
