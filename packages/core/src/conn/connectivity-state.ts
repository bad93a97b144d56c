/**
 * Connectivity states of a subchannel and of a channel (gRPC `doc/connectivity-semantics-and-api.md`).
 * Strings rather than numbers so that traces and logs read without a lookup table.
 */
export const ConnectivityState = {
  IDLE: "IDLE",
  CONNECTING: "CONNECTING",
  READY: "READY",
  TRANSIENT_FAILURE: "TRANSIENT_FAILURE",
  SHUTDOWN: "SHUTDOWN",
} as const;

/** One of the five {@link ConnectivityState} values. */
export type ConnectivityState = (typeof ConnectivityState)[keyof typeof ConnectivityState];

const { IDLE, CONNECTING, READY, TRANSIENT_FAILURE, SHUTDOWN } = ConnectivityState;

// The transition table of the spec. READY → CONNECTING is deliberately absent: a lost connection
// goes to IDLE and reconnects only when asked.
const allowed: Readonly<Record<ConnectivityState, readonly ConnectivityState[]>> = {
  IDLE: [CONNECTING, SHUTDOWN],
  CONNECTING: [READY, TRANSIENT_FAILURE, SHUTDOWN],
  READY: [IDLE, TRANSIENT_FAILURE, SHUTDOWN],
  TRANSIENT_FAILURE: [CONNECTING, IDLE, SHUTDOWN],
  SHUTDOWN: [],
};

/**
 * True when `from → to` is a transition the connectivity spec allows. A state "changing" to itself
 * is not a transition and returns false.
 */
export function isSpecTransition(from: ConnectivityState, to: ConnectivityState): boolean {
  return allowed[from].includes(to);
}
