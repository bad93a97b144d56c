/**
 * `@dsim/core/adapters/grpc-js`: the etcd `Lease` service over `@grpc/grpc-js` (an optional peer
 * dependency), for applications that already use a grpc-js channel.
 */
export { GrpcJsLeaseClient, toGrpcMetadata } from "./grpc-js-lease-client.js";
export { leaseServiceDefinition } from "./lease-service.js";
