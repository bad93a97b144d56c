import type { BalancerPolicy } from "./balancer.js";
import { ConnectivityState } from "./connectivity-state.js";
import type { Subchannel } from "./subchannel.js";

const { IDLE, CONNECTING, READY, TRANSIENT_FAILURE } = ConnectivityState;

/**
 * pick_first (gRFC A62, simplified, without happy eyeballs): try the addresses in order — the
 * next one only when the earlier ones failed — and send every RPC on the first that becomes
 * READY. When every address has failed, each reconnects when its own backoff ends.
 *
 * @internal
 */
export function pickFirst(): BalancerPolicy {
  let selected: Subchannel | undefined;

  // Addresses are tried in priority order. An attempt to an earlier address is waited for; a
  // later address that is still CONNECTING (say a blackholed one) does not stop an earlier, IDLE
  // address from being tried again, e.g. after its connection was drained by GOAWAY.
  const requestConnections = (subchannels: readonly Subchannel[]): void => {
    if (subchannels.some((s) => s.state === READY)) return;
    for (const s of subchannels) {
      if (s.state === CONNECTING) return;
      if (s.state === IDLE) {
        s.requestConnection();
        return;
      }
    }
    // Every address is in TRANSIENT_FAILURE: each retries as soon as its backoff ends.
    for (const s of subchannels) s.requestConnection();
  };

  return {
    name: "pick_first",
    requestConnections,
    pick(subchannels) {
      if (selected?.state === READY && subchannels.includes(selected)) return selected;
      selected = subchannels.find((s) => s.state === READY);
      return selected;
    },
    shouldReconnect(subchannels) {
      return !subchannels.some((s) => s.state === READY);
    },
    onSubchannelState(subchannels, _subchannel, _from, to) {
      // The attempt in progress failed: move on to the next address of the first pass.
      if (to === TRANSIENT_FAILURE) requestConnections(subchannels);
    },
  };
}
