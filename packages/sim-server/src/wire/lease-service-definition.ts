import {
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
} from "@dsim/core";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";

function method<Req, Res>(
  path: string,
  request: LeaseMessageCodec<Req>,
  response: LeaseMessageCodec<Res>,
  streaming: boolean,
): MethodDefinition<Req, Res> {
  return {
    path,
    requestStream: streaming,
    responseStream: streaming,
    requestSerialize: (value: Req) => Buffer.from(request.encode(value)),
    requestDeserialize: (bytes: Buffer) => request.decode(bytes),
    responseSerialize: (value: Res) => Buffer.from(response.encode(value)),
    responseDeserialize: (bytes: Buffer) => response.decode(bytes),
    originalName: path.slice(path.lastIndexOf("/") + 1),
  };
}

/**
 * etcd's `etcdserverpb.Lease` service as a `@grpc/grpc-js` service definition, built on core's
 * hand-written protobuf codecs (no `.proto` loading). Method keys are etcd's method names, which
 * is what `Server.addService` implementations and `makeGenericClientConstructor` clients use.
 */
export const leaseServiceDefinition = {
  LeaseGrant: method(LeaseMethod.grant, leaseGrantRequestCodec, leaseGrantResponseCodec, false),
  LeaseRevoke: method(LeaseMethod.revoke, leaseRevokeRequestCodec, leaseRevokeResponseCodec, false),
  LeaseKeepAlive: method(
    LeaseMethod.keepAlive,
    leaseKeepAliveRequestCodec,
    leaseKeepAliveResponseCodec,
    true,
  ),
  LeaseTimeToLive: method(
    LeaseMethod.timeToLive,
    leaseTimeToLiveRequestCodec,
    leaseTimeToLiveResponseCodec,
    false,
  ),
  LeaseLeases: method(LeaseMethod.leases, leaseLeasesRequestCodec, leaseLeasesResponseCodec, false),
} as const satisfies ServiceDefinition;
