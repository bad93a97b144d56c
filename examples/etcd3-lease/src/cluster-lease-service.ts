import { type EtcdCluster, toWireStatus } from "@dsim/sim-server";
import type * as grpc from "@grpc/grpc-js";

type Callback = grpc.sendUnaryData<unknown>;
interface Unary<Req> {
  readonly request: Req;
}
interface KeepAliveCall {
  on(event: "data", listener: (request: { readonly ID: bigint }) => void): void;
  on(event: "end" | "cancelled" | "close", listener: () => void): void;
  on(event: "error", listener: () => void): void;
  write(response: unknown): void;
  end(): void;
  emit(event: "error", error: unknown): boolean;
}

/** Answers a unary call with `run()`, or with the gRPC status of the etcd error it threw. */
function answer(callback: Callback, run: () => unknown): void {
  let value: unknown;
  try {
    value = run();
  } catch (error) {
    callback(toWireStatus(error));
    return;
  }
  callback(null, value);
}

/**
 * etcd's `Lease` service for the only member of a fake {@link EtcdCluster}, as a grpc-js
 * implementation of core's `leaseServiceDefinition`: the cluster decides (grant, renew, expiry,
 * revoke), grpc-js frames the answers. Unlike `fakeLeaseServer`, leases expire here — the
 * cluster's leader runs etcd's expiry loop on virtual time.
 */
export function clusterLeaseService(cluster: EtcdCluster): grpc.UntypedServiceImplementation {
  const member = 0;
  const implementation = {
    LeaseGrant: (call: Unary<{ readonly ID: bigint; readonly TTL: number }>, cb: Callback) =>
      answer(cb, () => cluster.grant(member, call.request)),
    LeaseRevoke: (call: Unary<{ readonly ID: bigint }>, cb: Callback) =>
      answer(cb, () => cluster.revoke(member, call.request.ID)),
    LeaseTimeToLive: (call: Unary<{ readonly ID: bigint; readonly keys: boolean }>, cb: Callback) =>
      answer(cb, () => cluster.timeToLive(member, call.request)),
    LeaseLeases: (_call: Unary<unknown>, cb: Callback) => answer(cb, () => cluster.leases(member)),
    LeaseKeepAlive: (call: KeepAliveCall) => {
      let done = false;
      const finish = (error: Error | undefined): void => {
        if (done) return;
        done = true;
        if (error === undefined) call.end();
        else call.emit("error", toWireStatus(error));
      };
      // etcd3 sends no require-leader metadata: a plain keep-alive stream.
      const session = cluster.openKeepAlive(member, false, {
        onResponse: (response) => {
          if (!done) call.write(response);
        },
        onEnd: finish,
      });
      call.on("data", (request) => session.receive(request.ID));
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
      call.on("error", () => undefined);
    },
  };
  // The handlers are typed by the definition's codecs (bigint IDs); grpc-js' own typing of an
  // untyped implementation object cannot express that.
  return implementation as unknown as grpc.UntypedServiceImplementation;
}
