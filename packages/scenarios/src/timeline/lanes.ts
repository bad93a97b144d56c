/**
 * The swimlane groups, top to bottom: the components under test, the fake servers, the network,
 * the faults, and the harness (kernel and runner, where the broken invariant is recorded).
 */
export type LaneGroup = "client" | "server" | "net" | "fault" | "harness";

/** The order groups are drawn in. */
export const LANE_GROUPS: readonly LaneGroup[] = ["client", "server", "net", "fault", "harness"];

const SERVER = /(server|member|etcd|leader|cluster)/i;

/**
 * Classifies a trace `source` into a lane group. The trace has no schema for roles, so this reads
 * the naming conventions of the world: `net`, `fault`, `kernel`, `runner` are fixed sources; the
 * fakes name themselves `grpc-server:<addr>`, `http-server:<addr>`, `etcd…`/`member…`; everything
 * else (`lessor`, `conn`, `grpc-client:<host>`, `workload`, …) is the client side.
 */
export function laneGroupOf(source: string): LaneGroup {
  const head = source.split(/[:.]/, 1)[0] ?? source;
  if (head === "net") return "net";
  if (head === "fault" || head === "faults") return "fault";
  if (head === "kernel" || head === "runner") return "harness";
  if (SERVER.test(source)) return "server";
  return "client";
}

/** One swimlane: one trace source. */
export interface Lane {
  /** The trace source the lane shows. */
  readonly source: string;
  readonly group: LaneGroup;
}

/**
 * One lane per distinct source, ordered by group and then by first appearance, so related lanes
 * sit together and the order is a pure function of the trace.
 */
export function buildLanes(sources: Iterable<string>): Lane[] {
  const seen = new Map<string, Lane>();
  for (const source of sources) {
    if (!seen.has(source)) seen.set(source, { source, group: laneGroupOf(source) });
  }
  const lanes = [...seen.values()];
  // Array.prototype.sort is stable, so first appearance decides within a group.
  return lanes.sort((a, b) => LANE_GROUPS.indexOf(a.group) - LANE_GROUPS.indexOf(b.group));
}
