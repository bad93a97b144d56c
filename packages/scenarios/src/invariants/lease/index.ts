export type { Interval, LeaseFacts, LeaseViolation, SubscriberFact } from "./facts.js";
export { checkNeverExpires, checkNoOrphanRequests, checkRequestRate } from "./server-side.js";
export {
  checkAnchorsSurvive,
  checkBufferBound,
  checkCloseAfterLeaseEnd,
  checkCloseOnce,
  checkIsolation,
  checkRequireLeaderCloses,
  RESPONSE_BUFFER,
} from "./subscriber-side.js";
