import type { OwnedClock } from "../kernel/contracts.js";
import type { RealIoTracker } from "../kernel/real-io.js";
import type { Trace } from "../kernel/trace.js";
import type { VirtualNetwork } from "../net/virtual-network.js";

/**
 * What virtual sockets need from the world. A `Simulation` is one; the narrow shape keeps the
 * socket layer free of the kernel's run loop.
 */
export interface SocketWorld {
  /** Where connections go. */
  readonly net: VirtualNetwork;
  /** Where sockets register, so the run loop waits for them to go quiet between timers. */
  readonly realIo: RealIoTracker;
  /** Where socket events (`socket.*`) are recorded. */
  readonly trace: Trace;
  /** Clock views; sockets use owner `"sockets"` for idle and connect timeouts. */
  clockFor(owner: string): OwnedClock;
  /** Virtual ms since the start. */
  now(): number;
  /** Wall-clock epoch (ms) of virtual time 0 (for `date` headers). */
  readonly epochMs: number;
}

/** Timer owner of socket idle and connect timeouts. */
export const SOCKETS_OWNER = "sockets";
