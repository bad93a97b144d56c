export { callBoundMs, checkCallOutcomes } from "./call-outcomes.js";
export type {
  Interval,
  LeaseFacts,
  LeaseViolation,
  ProbeFact,
  ProbeOutcome,
  RunFacts,
  SubscriberFact,
} from "./facts.js";
export { LeaseModelAudit } from "./model-audit.js";
export { checkDeliveryKeepsUp, checkRenewalGaps, renewalBoundMs } from "./renewal-gaps.js";
export { checkNeverExpires, checkNoOrphanRequests, checkRequestRate } from "./server-side.js";
export {
  checkNoListenersLeft,
  checkSharedStreamLeftAlone,
  checkSharedStreamRequiresLeader,
  type RecordedStream,
} from "./stream-side.js";
export { checkNoLeaderCloseNeedsNoLeader, checkNoTtlZeroDelivered } from "./subscriber-rules.js";
export {
  checkAnchorsSurvive,
  checkBufferBound,
  checkCloseAfterLeaseEnd,
  checkCloseOnce,
  checkIsolation,
  checkRequireLeaderCloses,
  RESPONSE_BUFFER,
} from "./subscriber-side.js";
export { ASYNC_WORK_MS } from "./work.js";
