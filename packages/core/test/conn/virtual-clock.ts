/** The conn tests' virtual clock is core's shared test clock. */
export { flushMicrotasks as flush, ManualClock as VirtualClock } from "../time/manual-clock.js";
