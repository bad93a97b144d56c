export { DelayLine } from "./delay-line.js";
export {
  EtcdCluster,
  type EtcdMemberInfo,
  type KeepAliveSession,
  type KeepAliveSessionListener,
} from "./etcd-cluster.js";
export { serveEtcdLease } from "./etcd-grpc-service.js";
export type { EtcdClusterOptions, EtcdTraceSink } from "./etcd-options.js";
export { type EtcdErrorName, EtcdStatusError, EtcdTransportError } from "./etcd-status-error.js";
export { IdGenerator } from "./id-generator.js";
export {
  InProcessLeaseClient,
  type InProcessLeaseClientOptions,
} from "./in-process-lease-client.js";
export { EtcdLeaseCounters, type KeepAliveStats, type LeaseEndEvent } from "./keep-alive-stats.js";
export {
  LeaseModel,
  type LeaseModelConfig,
  type LeaseModelOp,
  type LeaseModelOutput,
} from "./lease-model.js";
export type { EtcdLeaseEvent, EtcdLeaseObserver } from "./lease-observer.js";
export { type ServerLease, ServerLessor } from "./server-lessor.js";
