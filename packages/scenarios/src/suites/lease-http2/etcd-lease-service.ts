import {
  type LeaseGrantRequest,
  type LeaseKeepAliveRequest,
  type LeaseKeepAliveResponse,
  type LeaseRevokeRequest,
  type LeaseTimeToLiveRequest,
  type Random,
  REQUIRE_LEADER_KEY,
  REQUIRE_LEADER_VALUE,
} from "@dsim/core";
import { type EtcdCluster, toWireStatus } from "@dsim/sim-server";
import type {
  ServerDuplexStream,
  ServerUnaryCall,
  sendUnaryData,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";

/** Keep-alive messages lost on purpose, as probabilities in [0, 1] (1: a half-open connection). */
export interface KeepAliveDrops {
  requests: number;
  responses: number;
}

type KeepAliveCall = ServerDuplexStream<LeaseKeepAliveRequest, LeaseKeepAliveResponse>;

function unary<Res>(callback: sendUnaryData<Res>, run: () => Res): void {
  let value: Res;
  try {
    value = run();
  } catch (error) {
    callback(toWireStatus(error));
    return;
  }
  callback(null, value);
}

/**
 * etcd's `Lease` service for member `member` of the fake cluster, as a grpc-js implementation of
 * `leaseServiceDefinition`: the cluster answers, grpc-js frames it. Keep-alive messages are lost
 * with the probabilities in `drops` (drawn from `random`), the way the fake transport's drop
 * faults lose them.
 */
export function etcdLeaseService(
  cluster: EtcdCluster,
  member: number,
  drops: KeepAliveDrops,
  random: Random,
): UntypedServiceImplementation {
  const lost = (p: number): boolean => p > 0 && (p >= 1 || random.next() < p);
  return {
    LeaseGrant: (call: ServerUnaryCall<LeaseGrantRequest, unknown>, cb: sendUnaryData<unknown>) =>
      unary(cb, () => cluster.grant(member, call.request)),
    LeaseRevoke: (call: ServerUnaryCall<LeaseRevokeRequest, unknown>, cb: sendUnaryData<unknown>) =>
      unary(cb, () => cluster.revoke(member, call.request.ID)),
    LeaseTimeToLive: (
      call: ServerUnaryCall<LeaseTimeToLiveRequest, unknown>,
      cb: sendUnaryData<unknown>,
    ) => unary(cb, () => cluster.timeToLive(member, call.request)),
    LeaseLeases: (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) =>
      unary(cb, () => cluster.leases(member)),
    LeaseKeepAlive: (call: KeepAliveCall) => {
      const requireLeader = call.metadata
        .get(REQUIRE_LEADER_KEY)
        .some((v) => String(v) === REQUIRE_LEADER_VALUE);
      let done = false;
      const finish = (error: Error | undefined): void => {
        if (done) return;
        done = true;
        if (error === undefined) call.end();
        else call.emit("error", toWireStatus(error));
      };
      let session: ReturnType<EtcdCluster["openKeepAlive"]>;
      try {
        session = cluster.openKeepAlive(member, requireLeader, {
          onResponse: (response) => {
            if (!done && !lost(drops.responses)) call.write(response);
          },
          onEnd: (error) => finish(error),
        });
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (session.ended) return;
      call.on("data", (request: LeaseKeepAliveRequest) => {
        if (!lost(drops.requests)) session.receive(request.ID);
      });
      // The client half-closed: etcd's handler returns and the stream ends OK.
      call.on("end", () => {
        session.cancel();
        finish(undefined);
      });
      const gone = (): void => {
        done = true;
        session.cancel();
      };
      call.on("cancelled", gone);
      call.on("close", gone);
    },
  };
}
