import type { ConnectivityState } from "./connectivity-state.js";
import type { Subchannel } from "./subchannel.js";

/** The load-balancing policies a channel can use. */
export type BalancerName = "pick_first" | "round_robin";

/**
 * A load-balancing policy: which subchannels to connect and which READY one carries an RPC. The
 * channel owns the subchannels (one per address, in resolver order) and calls the policy only
 * while it is active (not IDLE, not closed).
 *
 * @internal
 */
export interface BalancerPolicy {
  /** The policy's name. */
  readonly name: BalancerName;
  /** Requests the connections the policy wants now. Cheap and idempotent; called per RPC. */
  requestConnections(subchannels: readonly Subchannel[]): void;
  /** A READY subchannel for one RPC, or undefined to make the RPC wait. */
  pick(subchannels: readonly Subchannel[]): Subchannel | undefined;
  /** Whether a subchannel whose backoff just ended should reconnect at once. */
  shouldReconnect(subchannels: readonly Subchannel[], subchannel: Subchannel): boolean;
  /** A subchannel changed state. */
  onSubchannelState(
    subchannels: readonly Subchannel[],
    subchannel: Subchannel,
    from: ConnectivityState,
    to: ConnectivityState,
  ): void;
}
