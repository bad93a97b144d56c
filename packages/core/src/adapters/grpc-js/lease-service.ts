import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
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
} from "../../lease/lease-codec.js";

/** A codec's `encode` as grpc-js wants a serializer (a Buffer view, no copy). @internal */
export function serializerOf<T>(codec: LeaseMessageCodec<T>): (value: T) => Buffer {
  return (value) => {
    const bytes = codec.encode(value);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

/** A codec's `decode` as grpc-js wants a deserializer (a Buffer is a Uint8Array). @internal */
export function deserializerOf<T>(codec: LeaseMessageCodec<T>): (bytes: Buffer) => T {
  return (bytes) => codec.decode(bytes);
}

function method<Req, Res>(
  path: string,
  originalName: string,
  request: LeaseMessageCodec<Req>,
  response: LeaseMessageCodec<Res>,
  streaming: boolean,
): MethodDefinition<Req, Res> {
  return {
    path,
    originalName,
    requestStream: streaming,
    responseStream: streaming,
    requestSerialize: serializerOf(request),
    requestDeserialize: deserializerOf(request),
    responseSerialize: serializerOf(response),
    responseDeserialize: deserializerOf(response),
  };
}

/**
 * The `etcdserverpb.Lease` service for grpc-js, on core's hand-written protobuf codec (no
 * `.proto` loading). Use it with `makeGenericClientConstructor` for a typed grpc-js client, or
 * with `Server.addService` for a test server.
 */
export const leaseServiceDefinition = {
  LeaseGrant: method(
    LeaseMethod.grant,
    "leaseGrant",
    leaseGrantRequestCodec,
    leaseGrantResponseCodec,
    false,
  ),
  LeaseRevoke: method(
    LeaseMethod.revoke,
    "leaseRevoke",
    leaseRevokeRequestCodec,
    leaseRevokeResponseCodec,
    false,
  ),
  LeaseKeepAlive: method(
    LeaseMethod.keepAlive,
    "leaseKeepAlive",
    leaseKeepAliveRequestCodec,
    leaseKeepAliveResponseCodec,
    true,
  ),
  LeaseTimeToLive: method(
    LeaseMethod.timeToLive,
    "leaseTimeToLive",
    leaseTimeToLiveRequestCodec,
    leaseTimeToLiveResponseCodec,
    false,
  ),
  LeaseLeases: method(
    LeaseMethod.leases,
    "leaseLeases",
    leaseLeasesRequestCodec,
    leaseLeasesResponseCodec,
    false,
  ),
} satisfies ServiceDefinition;
