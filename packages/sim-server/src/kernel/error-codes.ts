/** Codes carried by {@link SimulationError}. Owned by the kernel module. */
export type KernelErrorCode =
  /** Too many timer events in total (`maxEvents`) or at one virtual instant (`maxEventsPerInstant`). */
  | "LIVELOCK"
  /** `runUntil` found no pending timer while its predicate was still false: nothing can change. */
  | "STALL"
  /** `runUntil` reached its `timeoutMs` of virtual time with the predicate still false. */
  | "TIMEOUT"
  /** A task started with `spawn` rejected (or threw). */
  | "TASK_FAILED"
  /** A timer callback threw synchronously. */
  | "TIMER_FAILED"
  /** A `run*`/`settle` call was made while another one was still in progress. */
  | "BUSY"
  /** The simulation was closed. */
  | "CLOSED";
