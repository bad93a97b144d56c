export {
  ControlServer,
  type ControlServerOptions,
  type ControlTarget,
} from "./control-server.js";
export type { WireErrorCode } from "./error-codes.js";
export {
  ETCD_WIRE_FAULT_KINDS,
  type EtcdWireFault,
  parseEtcdWireFault,
} from "./etcd-wire-fault.js";
export { toWireStatus, type WireStatus, wireStatus } from "./grpc-status.js";
export { type HttpWireFault, parseHttpWireFault } from "./http-wire-fault.js";
export { leaseServiceDefinition } from "./lease-service-definition.js";
export {
  type DrivableSimulation,
  RealTimeDriver,
  type RealTimeDriverOptions,
} from "./real-time-driver.js";
export { isWireError, WireError } from "./wire-error.js";
export { WireEtcd, type WireEtcdOptions, type WireEtcdStatus } from "./wire-etcd.js";
export { DEFAULT_JWKS, WireHttp, type WireHttpOptions, type WireHttpStatus } from "./wire-http.js";
