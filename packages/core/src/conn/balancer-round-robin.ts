import type { BalancerPolicy } from "./balancer.js";
import { ConnectivityState } from "./connectivity-state.js";

const { IDLE, READY, TRANSIENT_FAILURE } = ConnectivityState;

/**
 * round_robin: connect to every address and spread RPCs over the READY subchannels in turn.
 *
 * @internal
 */
export function roundRobin(): BalancerPolicy {
  let cursor = 0;
  return {
    name: "round_robin",
    requestConnections(subchannels) {
      for (const s of subchannels) {
        if (s.state === IDLE || s.state === TRANSIENT_FAILURE) s.requestConnection();
      }
    },
    pick(subchannels) {
      const count = subchannels.length;
      for (let i = 0; i < count; i++) {
        const index = (cursor + i) % count;
        const candidate = subchannels[index];
        if (candidate?.state === READY) {
          cursor = (index + 1) % count;
          return candidate;
        }
      }
      return undefined;
    },
    shouldReconnect() {
      return true;
    },
    onSubchannelState() {},
  };
}
