import type { OwnedClock, SeededRandom, TraceValue } from "../kernel/contracts.js";
import type { VirtualNetworkApi } from "../net/contracts.js";

/** The fields of one trace event. */
export type TraceData = { readonly [key: string]: TraceValue };

/**
 * The part of a `Simulation` the fake transport uses. `Simulation` satisfies it structurally;
 * naming only what is needed keeps the transport testable against the contracts alone.
 */
export interface GrpcWorld {
  /** A clock view per owner, so leak checks can say who still holds timers. */
  clockFor(owner: string): OwnedClock;
  /** An independent seeded stream per name. */
  randomFor(name: string): SeededRandom;
  /** The virtual network. */
  readonly net: VirtualNetworkApi;
  /** The run's trace. */
  readonly trace: { record(source: string, kind: string, data?: TraceData): void };
}
