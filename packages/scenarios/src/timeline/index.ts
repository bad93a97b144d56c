/** The HTML timeline of a replayed case: swimlanes on the virtual time axis. */
export type { Lane, LaneGroup } from "./lanes.js";
export { buildLanes, LANE_GROUPS, laneGroupOf } from "./lanes.js";
export type { TimelineEvent, TimelineModel } from "./model.js";
export { buildTimeline } from "./model.js";
export { embedJson, escapeHtml, renderTimelineHtml, renderTimelineModel } from "./render-html.js";
