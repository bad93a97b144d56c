/**
 * The kernel's public contracts. Every other part of sim-server and every suite codes against these
 * interfaces; `simulation.ts` and friends implement them.
 */
import type { Clock, Random } from "@dsim/core";

/** A clock view owned by one component: its timers are counted separately (leak checks). */
export interface OwnedClock extends Clock {
  /** The owner name given to `sim.clockFor(owner)`. */
  readonly owner: string;
  /** Timers created through this view that have neither fired nor been cleared. */
  pendingTimers(): number;
}

/** A seeded random stream that can fork independent child streams by name. */
export interface SeededRandom extends Random {
  /** An integer in [min, max) drawn uniformly. */
  int(min: number, max: number): number;
  /** A float in [min, max) drawn uniformly. */
  between(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /**
   * An independent stream derived from this stream's seed and `name` (not from how many numbers
   * were drawn), so adding a component does not shift other components' draws.
   */
  fork(name: string): SeededRandom;
}

/** A JSON-compatible value stored in a trace event (bigint is written as a decimal string). */
export type TraceValue =
  | string
  | number
  | boolean
  | null
  | bigint
  | readonly TraceValue[]
  | { readonly [key: string]: TraceValue };

/** One recorded event. `t` is virtual time in ms, `seq` a run-wide sequence number. */
export interface TraceEvent {
  readonly t: number;
  readonly seq: number;
  /** Who emitted it: a component, a server member, `net`, `fault`, `kernel`… */
  readonly source: string;
  /** What happened, e.g. `timer.fire`, `net.send`, `conn.state`, `invariant.broken`. */
  readonly kind: string;
  readonly data: { readonly [key: string]: TraceValue };
}
