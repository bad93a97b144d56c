import {
  GrpcCode,
  type LeaseKeepAliveResponse,
  LeaseMethod,
  leaseGrantRequestCodec,
  leaseGrantResponseCodec,
  leaseKeepAliveRequestCodec,
  leaseKeepAliveResponseCodec,
  leaseLeasesResponseCodec,
  leaseRevokeRequestCodec,
  leaseRevokeResponseCodec,
  leaseTimeToLiveRequestCodec,
  leaseTimeToLiveResponseCodec,
  REQUIRE_LEADER_KEY,
  REQUIRE_LEADER_VALUE,
} from "@dsim/core";
import type { BidiCall } from "../grpc/handlers.js";
import type { GrpcServer } from "../grpc/server.js";
import { GrpcStatusError } from "../grpc/status.js";
import type { EtcdCluster } from "./etcd-cluster.js";
import { EtcdStatusError, EtcdTransportError } from "./etcd-status-error.js";

/** Runs a cluster call and turns etcd failures into the gRPC status the real server sends. */
function asGrpc<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof EtcdStatusError || error instanceof EtcdTransportError) {
      throw new GrpcStatusError(error.code, error.details);
    }
    throw error;
  }
}

function statusOf(error: Error | undefined): { code: number; details: string } {
  if (error === undefined) return { code: GrpcCode.OK, details: "" };
  if (error instanceof EtcdStatusError || error instanceof EtcdTransportError) {
    return { code: error.code, details: error.details };
  }
  return { code: GrpcCode.UNKNOWN, details: error.message };
}

/**
 * Serves member `member` of `cluster` as the gRPC service `etcdserverpb.Lease` on `server`
 * (`LeaseGrant`, `LeaseRevoke`, `LeaseKeepAlive` bidi, `LeaseTimeToLive`, `LeaseLeases`) with the
 * protobuf field numbers of etcd's `rpc.proto`, so the production `GrpcLeaseClient` (and etcdctl's
 * encoding) talks to it unchanged. `hasleader: true` metadata makes a keep-alive stream
 * require-leader.
 */
export function serveEtcdLease(server: GrpcServer, cluster: EtcdCluster, member: number): void {
  server.addUnaryHandler(LeaseMethod.grant, (bytes) => {
    const request = leaseGrantRequestCodec.decode(bytes);
    return leaseGrantResponseCodec.encode(asGrpc(() => cluster.grant(member, request)));
  });
  server.addUnaryHandler(LeaseMethod.revoke, (bytes) => {
    const request = leaseRevokeRequestCodec.decode(bytes);
    return leaseRevokeResponseCodec.encode(asGrpc(() => cluster.revoke(member, request.ID)));
  });
  server.addUnaryHandler(LeaseMethod.timeToLive, (bytes) => {
    const request = leaseTimeToLiveRequestCodec.decode(bytes);
    return leaseTimeToLiveResponseCodec.encode(asGrpc(() => cluster.timeToLive(member, request)));
  });
  server.addUnaryHandler(LeaseMethod.leases, () =>
    leaseLeasesResponseCodec.encode(asGrpc(() => cluster.leases(member))),
  );
  server.addBidiHandler(LeaseMethod.keepAlive, (call) => keepAliveHandler(cluster, member, call));
}

async function keepAliveHandler(
  cluster: EtcdCluster,
  member: number,
  call: BidiCall,
): Promise<void> {
  const requireLeader = call.metadata[REQUIRE_LEADER_KEY]?.[0] === REQUIRE_LEADER_VALUE;
  const session = asGrpc(() =>
    cluster.openKeepAlive(member, requireLeader, {
      onResponse: (response: LeaseKeepAliveResponse) => {
        call.write(leaseKeepAliveResponseCodec.encode(response));
      },
      onEnd: (error) => call.end(statusOf(error)),
    }),
  );
  if (session.ended) return;
  const onAbort = (): void => session.cancel();
  call.signal.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const bytes of call.messages) {
      if (session.ended) break;
      session.receive(leaseKeepAliveRequestCodec.decode(bytes).ID);
    }
  } finally {
    call.signal.removeEventListener("abort", onAbort);
    // The client half-closed or went away: etcd's handler returns and the stream ends OK.
    session.cancel();
  }
}
