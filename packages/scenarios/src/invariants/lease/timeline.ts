import type { Interval, RunFacts } from "./facts.js";

/** True when no disruption overlaps [start, end]: the cluster led and the path was clean throughout. */
export function healthyDuring(facts: RunFacts, start: number, end: number): boolean {
  return !facts.disruptions.some((d) => d.start <= end && d.end >= start);
}

/** `spans` minus every disruption, in order. */
export function healthyParts(facts: RunFacts, spans: readonly Interval[]): Interval[] {
  let parts: Interval[] = [...spans];
  for (const d of facts.disruptions) {
    const next: Interval[] = [];
    for (const p of parts) {
      if (d.end <= p.start || d.start >= p.end) {
        next.push(p);
        continue;
      }
      if (d.start > p.start) next.push({ start: p.start, end: d.start });
      if (d.end < p.end) next.push({ start: d.end, end: p.end });
    }
    parts = next;
  }
  return parts;
}

/** The union of `spans`, merged and sorted. */
export function unionOf(spans: readonly Interval[]): Interval[] {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last !== undefined && s.start <= last.end) {
      out[out.length - 1] = { start: last.start, end: Math.max(last.end, s.end) };
    } else {
      out.push(s);
    }
  }
  return out;
}

/**
 * The first moment in `span` that waited longer than `bound` for an event of `times` (the span's
 * start counts as an event), or undefined when every wait was short enough.
 */
export function firstLongWait(
  span: Interval,
  times: readonly number[],
  bound: number,
): { since: number; next: number | null } | undefined {
  let prev = span.start;
  for (const t of times) {
    if (t <= span.start) continue;
    if (t > span.end) break;
    if (t - prev > bound) return { since: prev, next: t };
    prev = t;
  }
  if (span.end - prev > bound) return { since: prev, next: null };
  return undefined;
}
