/**
 * etcd's `etcdserverpb.Lease` service as a `@grpc/grpc-js` service definition. Wire mode serves
 * exactly the definition that core's grpc-js adapter ships, so the fake and production clients
 * share one codec and one method table.
 */
export { leaseServiceDefinition } from "@dsim/core/adapters/grpc-js";
