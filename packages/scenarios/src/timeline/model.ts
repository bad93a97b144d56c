import { parseTrace } from "../forensics/parse-trace.js";
import { type JsonValue, toJsonValue } from "../reporters/json-value.js";
import type { ReplayResult } from "../runner/types.js";
import { buildLanes, type Lane } from "./lanes.js";

/** One drawable event: the trace event plus the index of its lane. */
export interface TimelineEvent {
  readonly t: number;
  readonly seq: number;
  readonly source: string;
  readonly kind: string;
  readonly data: { readonly [key: string]: JsonValue };
  readonly lane: number;
}

/** Everything the timeline page draws, as plain JSON embedded in the page. */
export interface TimelineModel {
  /** e.g. `conn seed 42 path "3:1:0"`. */
  readonly title: string;
  readonly suite: string;
  readonly seed: number;
  readonly path: string;
  readonly simSeed: number;
  readonly digest: string;
  readonly lanes: readonly Lane[];
  readonly events: readonly TimelineEvent[];
  /** The suite's plan of the case (world and fault plan). */
  readonly plan: JsonValue;
  /** Virtual time of the last event (the axis ends there). */
  readonly endMs: number;
  /** Present when the case failed: what broke and when. */
  readonly verdict?: {
    readonly invariant: string;
    readonly message: string;
    readonly details: JsonValue;
    /** Virtual time of the `runner`/`invariant.broken` event, if the trace has one. */
    readonly at: number | null;
    /** Its `seq`, so the page can highlight the very event. */
    readonly seq: number | null;
  };
}

/**
 * Builds the timeline of a replayed case from its JSONL trace. Lanes come from the events'
 * `source` (see {@link buildLanes}); the moment an invariant broke is the runner's
 * `invariant.broken` event, which the runner records as soon as the suite throws.
 */
export function buildTimeline(result: ReplayResult): TimelineModel {
  const parsed = parseTrace(result.traceJsonl);
  const lanes = buildLanes(parsed.map((event) => event.source));
  const laneIndex = new Map(lanes.map((lane, index) => [lane.source, index]));
  const events = parsed.map((event) => ({ ...event, lane: laneIndex.get(event.source) ?? 0 }));
  const endMs = parsed.reduce((end, event) => Math.max(end, event.t), 0);
  const broken = parsed.find(
    (event) => event.source === "runner" && event.kind === "invariant.broken",
  );
  return {
    title: `${result.name} seed ${result.seed} path "${result.path}"`,
    suite: result.name,
    seed: result.seed,
    path: result.path,
    simSeed: result.simSeed,
    digest: result.digest,
    lanes,
    events,
    plan: toJsonValue(result.plan),
    endMs,
    ...(result.failed
      ? {
          verdict: {
            invariant: result.invariant ?? "unknown",
            message: result.message ?? "",
            details: toJsonValue(result.details ?? {}),
            at: broken?.t ?? null,
            seq: broken?.seq ?? null,
          },
        }
      : {}),
  };
}
