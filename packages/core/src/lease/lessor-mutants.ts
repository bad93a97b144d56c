/**
 * Deliberately injected bugs, one switch each, used ONLY to measure how many realistic lessor
 * defects the `lease` simulation suite catches (its mutation score). Most reproduce a bug that
 * clientv3's lessor shipped at some point. Production code never sets them; they are an option
 * (`LessorOptions.mutants`) so no source is edited at test time and lessors do not affect each other.
 */
export interface LessorMutants {
  /**
   * The schedule advances only when a response was delivered to a subscriber, and a send does not
   * advance it (clientv3 before the fix): a consumer with a full buffer makes the lessor send on
   * every 500 ms tick.
   */
  readonly advanceOnlyOnDelivery?: boolean;
  /** After a send the next one is due after 500 ms, not TTL/3 (clientv3's re-check until a response). */
  readonly resendUntilResponse?: boolean;
  /** No-leader leaves a lease whose subscribers all closed still scheduled (clientv3's `closeRequireLeader`). */
  readonly keepOrphanLeases?: boolean;
  /** No-leader closes every subscriber, not only the require-leader ones. */
  readonly noLeaderClosesAll?: boolean;
  /** Cancelling one subscriber closes every subscriber of the lease. */
  readonly cancelClosesLease?: boolean;
  /** A transient stream error ends keep-alives for good (no reopen after 500 ms). */
  readonly haltOnStreamError?: boolean;
  /** The deadline loop never closes a lease that stopped answering. */
  readonly noDeadlineReap?: boolean;
  /** Subscribers' buffers are unbounded (nothing is ever dropped). */
  readonly unboundedBuffer?: boolean;
  /** A cancelled subscriber stays registered and keeps receiving after it closed. */
  readonly deliverAfterClose?: boolean;
  /** `close()` forgets the deadline timer. */
  readonly leakTimersOnClose?: boolean;
  /** `keepAlive` after `close()` returns an open subscription instead of a halted one. */
  readonly openAfterClose?: boolean;
}

/** Every switch off: the real lessor. */
export const NO_LESSOR_MUTANTS: LessorMutants = Object.freeze({});
