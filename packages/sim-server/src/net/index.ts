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
