import type { OwnedClock, TraceValue } from "../kernel/contracts.js";
import type { VirtualNetworkApi } from "../net/contracts.js";

/**
 * The part of a `Simulation` the fake HTTP server and client use; `Simulation` satisfies it
 * structurally.
 */
export interface HttpWorld {
  /** A clock view per owner (leak checks name the owner that still holds timers). */
  clockFor(owner: string): OwnedClock;
  /** The virtual network. */
  readonly net: VirtualNetworkApi;
  /** The run's trace. */
  readonly trace: {
    record(source: string, kind: string, data?: { readonly [key: string]: TraceValue }): void;
  };
}
