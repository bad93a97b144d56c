/** Invariants of the `conn` suite, judged on facts observed from the outside of core/conn. */
export { checkAddresses, checkRemovedAddressReleased, type DialerView } from "./addresses.js";
export { checkBackoff } from "./backoff.js";
export {
  checkCallerSignal,
  checkHealthyCalls,
  checkPendingAtClose,
  checkStatusProbes,
  type ProbeFact,
} from "./calls.js";
export type { BackoffParams, ConnFacts, OutcomeFact, TransitionFact, Violation } from "./facts.js";
export { baseBackoff, dialEnd } from "./facts.js";
export { checkIdleTimeout, type QuietStretch } from "./idle.js";
export { checkKeepalive } from "./keepalive.js";
export { checkOutcomes } from "./outcomes.js";
export { checkStreams } from "./streams.js";
export { checkTransitions } from "./transitions.js";
