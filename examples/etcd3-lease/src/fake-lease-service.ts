import { leaseServiceDefinition } from "@dsim/sim-server";
import * as grpc from "@grpc/grpc-js";

const HEADER = { clusterId: 1n, memberId: 1n, revision: 1n, raftTerm: 1n };

type Callback = (error: grpc.ServiceError | null, value?: unknown) => void;
interface Call {
  readonly request: { readonly ID?: bigint; readonly TTL?: number };
}
interface KeepAliveCall {
  on(event: "data", listener: (request: { readonly ID: bigint }) => void): void;
  on(event: "end" | "error", listener: () => void): void;
  write(response: unknown): void;
  end(): void;
}

/** What the fake etcd member saw: every keep-alive per lease ID. */
export interface LeaseServerLog {
  readonly ttlMs: Map<bigint, number>;
  readonly keepAlives: Map<bigint, number[]>;
}

/**
 * A minimal etcd `Lease` service for grpc-js (grant, keep-alive, time-to-live, revoke, leases),
 * with etcd's wire format (core's service definition). The world stops it by cutting its
 * connections, so it needs no expiry of its own; it records every keep-alive with `now()`.
 */
export function fakeLeaseServer(now: () => number): { server: grpc.Server; log: LeaseServerLog } {
  const log: LeaseServerLog = { ttlMs: new Map(), keepAlives: new Map() };
  let nextId = 0x1000n;
  const server = new grpc.Server();
  const implementation = {
    LeaseGrant: (call: Call, callback: Callback) => {
      const id = nextId++;
      const ttl = call.request.TTL ?? 0;
      log.ttlMs.set(id, ttl * 1_000);
      log.keepAlives.set(id, []);
      callback(null, { header: HEADER, ID: id, TTL: ttl, error: "" });
    },
    LeaseRevoke: (_call: Call, callback: Callback) => callback(null, { header: HEADER }),
    LeaseTimeToLive: (call: Call, callback: Callback) => {
      const ttl = (log.ttlMs.get(call.request.ID ?? 0n) ?? 0) / 1_000;
      callback(null, { header: HEADER, ID: call.request.ID, TTL: ttl, grantedTTL: ttl, keys: [] });
    },
    LeaseLeases: (_call: Call, callback: Callback) =>
      callback(null, { header: HEADER, leases: [] }),
    LeaseKeepAlive: (call: KeepAliveCall) => {
      call.on("data", (request) => {
        log.keepAlives.get(request.ID)?.push(now());
        const ttl = (log.ttlMs.get(request.ID) ?? 0) / 1_000;
        call.write({ header: HEADER, ID: request.ID, TTL: ttl });
      });
      call.on("end", () => call.end());
      call.on("error", () => undefined);
    },
  };
  // The handlers are typed by the definition's codecs (bigint IDs); grpc-js' own typing of an
  // untyped implementation object cannot express that.
  server.addService(
    leaseServiceDefinition,
    implementation as unknown as grpc.UntypedServiceImplementation,
  );
  return { server, log };
}
