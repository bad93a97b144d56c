export { ConnectError } from "./connect-error.js";
export type {
  CloseReason,
  ConnectErrorShape,
  ConnectionHandlers,
  ConnectOptions,
  LinkConfig,
  VirtualConnection,
  VirtualListener,
  VirtualNetworkApi,
} from "./contracts.js";
export type { EndpointState } from "./endpoint.js";
export { DEFAULT_LINK, RETRANSMIT_TIMEOUT_MS } from "./link.js";
export {
  type DatagramHandler,
  type OpenConnectionInfo,
  VirtualNetwork,
  type VirtualNetworkOptions,
} from "./virtual-network.js";
