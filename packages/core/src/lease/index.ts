export type { LeaseErrorCode } from "./error-codes.js";
export {
  EtcdMessage,
  etcdMessageCode,
  GrpcCode,
  MAX_LEASE_TTL,
  REQUIRE_LEADER_KEY,
  REQUIRE_LEADER_VALUE,
} from "./etcd-status.js";
export { GrpcLeaseClient } from "./grpc-lease-client.js";
export {
  type KeepAliveCloseReason,
  KeepAliveSubscription,
} from "./keep-alive-subscription.js";
export type {
  GrpcStatusLike,
  LeaseCallOptions,
  LeaseClient,
  LeaseKeepAliveCallOptions,
  LeaseKeepAliveListener,
  LeaseKeepAliveStream,
} from "./lease-client.js";
export {
  type LeaseMessageCodec,
  LeaseMethod,
  leaseGrantRequestCodec,
  leaseGrantResponseCodec,
  leaseKeepAliveRequestCodec,
  leaseKeepAliveResponseCodec,
  leaseLeasesRequestCodec,
  leaseLeasesResponseCodec,
  leaseRevokeRequestCodec,
  leaseRevokeResponseCodec,
  leaseTimeToLiveRequestCodec,
  leaseTimeToLiveResponseCodec,
} from "./lease-codec.js";
export {
  grpcStatusOf,
  isHaltError,
  KeepAliveHaltedError,
  LeaseError,
  LeaseExistsError,
  LeaseNoLeaderError,
  LeaseNotFoundError,
  LeaseRpcError,
  LeaseTtlTooLargeError,
  LeaseUnavailableError,
  toLeaseError,
} from "./lease-errors.js";
export {
  EMPTY_HEADER,
  type LeaseGrantRequest,
  type LeaseGrantResponse,
  type LeaseId,
  type LeaseKeepAliveRequest,
  type LeaseKeepAliveResponse,
  type LeaseLeasesRequest,
  type LeaseLeasesResponse,
  type LeaseRevokeRequest,
  type LeaseRevokeResponse,
  type LeaseStatus,
  type LeaseTimeToLiveRequest,
  type LeaseTimeToLiveResponse,
  NO_LEASE,
  type ResponseHeader,
} from "./lease-messages.js";
export {
  type GrantOptions,
  type KeepAliveOnceOptions,
  type KeepAliveOptions,
  type LeaseRequestOptions,
  Lessor,
  type LessorStats,
  type TimeToLiveOptions,
} from "./lessor.js";
export {
  LESSOR_DEFAULTS,
  type LessorOptions,
  validateLeaseId,
  validateTtl,
} from "./lessor-options.js";
export { MinHeap } from "./min-heap.js";
