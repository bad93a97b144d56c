import {
  ClientConn,
  EtcdMessage,
  GrpcLeaseClient,
  LeaseExistsError,
  LeaseNoLeaderError,
  Lessor,
} from "@dsim/core";
import { describe, expect, it } from "vitest";
import { EtcdCluster, serveEtcdLease } from "../../src/etcd/index.js";
import { GrpcDialer } from "../../src/grpc/dialer.js";
import { GrpcServer } from "../../src/grpc/server.js";
import { Simulation } from "../../src/kernel/index.js";

function world(seed = 3) {
  const sim = new Simulation({ seed });
  const cluster = new EtcdCluster({
    clock: sim.clockFor("etcd"),
    random: sim.randomFor("etcd"),
    members: 1,
    trace: sim.trace,
  });
  const server = new GrpcServer(sim, { address: "etcd-0:2379" });
  serveEtcdLease(server, cluster, 0);
  server.start();
  const dialer = new GrpcDialer(sim, { host: "client" });
  const conn = new ClientConn({
    target: "etcd-0:2379",
    dialer,
    clock: sim.clockFor("conn"),
    random: sim.randomFor("conn"),
  });
  const lessor = new Lessor({
    client: new GrpcLeaseClient(conn),
    clock: sim.clockFor("lessor"),
    metadata: { "client-api-version": ["3.4"] },
  });
  return { sim, cluster, server, dialer, conn, lessor };
}

async function call<T>(sim: Simulation, promise: Promise<T>): Promise<T> {
  let out: { v: T } | { e: unknown } | undefined;
  promise.then(
    (v) => {
      out = { v };
    },
    (e: unknown) => {
      out = { e };
    },
  );
  await sim.runUntil(() => out !== undefined, { timeoutMs: 30_000 });
  if (out === undefined) throw new Error("unreachable");
  if ("e" in out) throw out.e;
  return out.v;
}

describe("etcd Lease service over the fake gRPC transport", () => {
  it("unary calls round-trip through protobuf with etcd's errors", async () => {
    const { sim, cluster, server, dialer, conn, lessor } = world();
    const granted = await call(sim, lessor.grant(0, { id: 5n }));
    expect(granted).toMatchObject({ ID: 5n, TTL: 2, error: "" });
    expect(granted.header.memberId).toBe(0x101n);
    await expect(call(sim, lessor.grant(5, { id: 5n }))).rejects.toBeInstanceOf(LeaseExistsError);
    cluster.attachKey(5n, "k1");
    const ttl = await call(sim, lessor.timeToLive(5n, { keys: true }));
    expect(ttl).toMatchObject({ ID: 5n, TTL: 1, grantedTTL: 2 });
    expect(new TextDecoder().decode(ttl.keys[0])).toBe("k1");
    expect((await call(sim, lessor.leases())).leases).toEqual([{ ID: 5n }]);
    expect((await call(sim, lessor.timeToLive(77n))).TTL).toBe(-1);
    await call(sim, lessor.revoke(5n));
    await expect(call(sim, lessor.revoke(5n))).rejects.toMatchObject({
      code: "LEASE_NOT_FOUND",
      message: EtcdMessage.leaseNotFound,
    });
    cluster.isolateLeader(2000);
    await expect(call(sim, lessor.grant(5))).rejects.toBeInstanceOf(LeaseNoLeaderError);
    await lessor.close();
    await conn.close();
    await dialer.close();
    server.stop();
    await cluster.close();
    await sim.runUntilIdle({ limitMs: 60_000 });
    expect(sim.timerOwners()).toEqual([]);
  });

  it("keeps a lease alive over the bidi stream through a leader loss and a GOAWAY", async () => {
    const { sim, cluster, server, dialer, conn, lessor } = world();
    const { ID, TTL } = await call(sim, lessor.grant(6));
    const sub = lessor.keepAlive(ID);
    await sim.runFor(10_000);
    expect(sub.buffered).toBeGreaterThan(3);
    cluster.isolateLeader(1500);
    await sim.runFor(10_000);
    server.goaway({ mode: "graceful" });
    await sim.runFor(20_000);
    expect(sub.closed).toBe(false);
    expect(cluster.counters.expirations()).toEqual([]);
    const stats = cluster.counters.statsFor(ID);
    expect(stats?.minGapMs).toBeGreaterThanOrEqual((TTL * 1000) / 3);
    expect(stats?.count).toBeGreaterThan(15);
    await lessor.close();
    await conn.close();
    await dialer.close();
    server.stop();
    await cluster.close();
    await sim.runUntilIdle({ limitMs: 60_000 });
    expect(sim.timerOwners()).toEqual([]);
    expect(sim.net.openConnections()).toBe(0);
  });

  it("keepAliveOnce renews over the simulated gRPC stack and reports a revoked lease as not found", async () => {
    // Regression: GrpcLeaseClient's stream refused sends until open, so keepAliveOnce retried
    // forever here (it only worked over grpc-js and the in-process client).
    const { sim, cluster, server, dialer, conn, lessor } = world();
    const { ID } = await call(sim, lessor.grant(7));
    const opened = lessor.stats().streamsOpened;
    const renewed = await call(sim, lessor.keepAliveOnce(ID));
    expect(renewed).toMatchObject({ ID, TTL: 7 });
    expect(cluster.counters.statsFor(ID)?.count).toBe(1);
    await call(sim, lessor.revoke(ID));
    await expect(call(sim, lessor.keepAliveOnce(ID))).rejects.toMatchObject({
      code: "LEASE_NOT_FOUND",
    });
    await expect(
      call(sim, lessor.keepAliveOnce(ID, { requireLeader: true })),
    ).rejects.toMatchObject({ code: "LEASE_NOT_FOUND" });
    // keepAliveOnce uses its own short streams, never the shared one.
    expect(lessor.stats()).toMatchObject({ streamsOpened: opened, pendingCalls: 0 });
    await lessor.close();
    await conn.close();
    await dialer.close();
    server.stop();
    await cluster.close();
    await sim.runUntilIdle({ limitMs: 60_000 });
    expect(sim.timerOwners()).toEqual([]);
  });

  it("require-leader streams carry hasleader metadata and end with no leader", async () => {
    const { sim, cluster, server, dialer, conn, lessor } = world();
    const { ID } = await call(sim, lessor.grant(20));
    const plain = lessor.keepAlive(ID);
    const leader = lessor.keepAlive(ID, { requireLeader: true });
    await sim.runFor(2000);
    cluster.loseQuorum(8000);
    await sim.runFor(5000);
    expect(leader.closeReason?.kind).toBe("no-leader");
    expect(plain.closed).toBe(false);
    await sim.runFor(20_000);
    expect(plain.closed).toBe(false);
    expect(cluster.counters.expirations()).toEqual([]);
    await lessor.close();
    await conn.close();
    await dialer.close();
    server.stop();
    await cluster.close();
  });
});
