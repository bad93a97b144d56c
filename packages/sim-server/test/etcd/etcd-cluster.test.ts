import { EMPTY_HEADER, EtcdMessage, GrpcCode, type LeaseKeepAliveResponse } from "@dsim/core";
import { describe, expect, it } from "vitest";
import { EtcdCluster, type EtcdStatusError } from "../../src/etcd/index.js";
import { Simulation } from "../../src/kernel/index.js";

function world(members: 1 | 3 | 5 = 1, seed = 7) {
  const sim = new Simulation({ seed });
  const cluster = new EtcdCluster({
    clock: sim.clockFor("etcd"),
    random: sim.randomFor("etcd"),
    members,
    trace: sim.trace,
  });
  return { sim, cluster };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

function collector() {
  const responses: LeaseKeepAliveResponse[] = [];
  const ends: (Error | undefined)[] = [];
  return {
    responses,
    ends,
    listener: {
      onResponse: (r: LeaseKeepAliveResponse) => responses.push(r),
      onEnd: (e: Error | undefined) => ends.push(e),
    },
  };
}

describe("EtcdCluster lease semantics", () => {
  it("raises small TTLs to the minimum and assigns positive unique IDs", async () => {
    const { cluster } = world();
    expect(cluster.minLeaseTtl).toBe(2);
    for (const ttl of [0, -5, 1, 2]) {
      expect(cluster.grant(0, { TTL: ttl, ID: 0n }).TTL).toBe(2);
    }
    expect(cluster.grant(0, { TTL: 30, ID: 0n }).TTL).toBe(30);
    const ids = new Set<bigint>();
    for (let i = 0; i < 50; i++) ids.add(cluster.grant(0, { TTL: 5, ID: 0n }).ID);
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id > 0n).toBe(true);
    await cluster.close();
  });

  it("answers etcd's exact codes and messages", async () => {
    const { cluster } = world();
    cluster.grant(0, { TTL: 5, ID: 9n });
    const exists = thrown(() => cluster.grant(0, { TTL: 5, ID: 9n })) as EtcdStatusError;
    expect([exists.code, exists.details]).toEqual([
      GrpcCode.FAILED_PRECONDITION,
      "etcdserver: lease already exists",
    ]);
    const big = thrown(() => cluster.grant(0, { TTL: 9_000_000_001, ID: 0n })) as EtcdStatusError;
    expect([big.code, big.details]).toEqual([
      GrpcCode.OUT_OF_RANGE,
      "etcdserver: too large lease TTL",
    ]);
    const missing = thrown(() => cluster.revoke(0, 12345n)) as EtcdStatusError;
    expect([missing.code, missing.details]).toEqual([
      GrpcCode.NOT_FOUND,
      "etcdserver: requested lease not found",
    ]);
    expect(cluster.grant(0, { TTL: 9_000_000_000, ID: 0n }).TTL).toBe(9_000_000_000);
    await cluster.close();
  });

  it("renew answers the granted TTL; unknown or revoked leases get TTL 0 and the stream stays", async () => {
    const { sim, cluster } = world();
    const { ID } = cluster.grant(0, { TTL: 10, ID: 0n });
    const c = collector();
    const session = cluster.openKeepAlive(0, true, c.listener);
    await sim.runFor(4000);
    expect(cluster.timeToLive(0, { ID, keys: false }).TTL).toBe(6);
    session.receive(ID);
    session.receive(777n);
    expect(c.responses.map((r) => r.TTL)).toEqual([10, 0]);
    expect(cluster.timeToLive(0, { ID, keys: false }).TTL).toBe(10);
    cluster.revoke(0, ID);
    session.receive(ID);
    expect(c.responses.map((r) => r.TTL)).toEqual([10, 0, 0]);
    expect(c.ends).toEqual([]);
    expect(c.responses[0]?.header).toMatchObject({ raftTerm: 1n, memberId: 0x101n });
    expect(c.responses[0]?.header).not.toEqual(EMPTY_HEADER);
    await cluster.close();
    expect(c.ends.length).toBe(1);
  });

  it("TimeToLive: floor of remaining seconds, −1 when unknown, keys only when asked", async () => {
    const { sim, cluster } = world();
    const { ID } = cluster.grant(0, { TTL: 5, ID: 0n });
    cluster.attachKey(ID, "foo");
    await sim.runFor(1500);
    expect(cluster.timeToLive(0, { ID, keys: false })).toMatchObject({
      TTL: 3,
      grantedTTL: 5,
      keys: [],
    });
    const withKeys = cluster.timeToLive(0, { ID, keys: true });
    expect(new TextDecoder().decode(withKeys.keys[0])).toBe("foo");
    expect(cluster.timeToLive(0, { ID: 4242n, keys: true })).toMatchObject({ TTL: -1, keys: [] });
    expect(cluster.leases(0).leases.map((l) => l.ID)).toEqual([ID]);
    await cluster.close();
  });

  it("the leader revokes expired leases on its 500 ms loop", async () => {
    const { sim, cluster } = world();
    const { ID } = cluster.grant(0, { TTL: 2, ID: 0n });
    await sim.runFor(1999);
    expect(cluster.hasLease(ID)).toBe(true);
    await sim.runFor(1);
    // Expired at 2000 ms: the 2000 ms tick (expiry − now ≤ 0) revokes it.
    expect(cluster.hasLease(ID)).toBe(false);
    expect(cluster.counters.expirations()).toEqual([{ id: ID, at: 2000, kind: "expired" }]);
    expect(cluster.timeToLive(0, { ID, keys: false }).TTL).toBe(-1);
    await cluster.close();
  });

  it("expiry window: an expired lease answers TTL 0 and can be revoked until the loop removes it", async () => {
    const { sim, cluster } = world();
    // Granted off the 500 ms loop grid: expiry at 2200 ms, next loop tick at 2500 ms.
    await sim.runFor(200);
    const a = cluster.grant(0, { TTL: 2, ID: 0n }).ID;
    const b = cluster.grant(0, { TTL: 2, ID: 0n }).ID;
    cluster.attachKey(a, "foo");
    await sim.runFor(2100);
    expect(cluster.hasLease(a)).toBe(true);
    const inWindow = cluster.timeToLive(0, { ID: a, keys: true });
    expect(inWindow).toMatchObject({ TTL: 0, grantedTTL: 2 });
    expect(Object.is(inWindow.TTL, 0)).toBe(true);
    expect(inWindow.keys).toHaveLength(1);
    // Like etcd 3.4, revoke in the window succeeds (the lease still exists).
    expect(() => cluster.revoke(0, b)).not.toThrow();
    expect(cluster.timeToLive(0, { ID: b, keys: false })).toMatchObject({ TTL: -1, grantedTTL: 0 });
    await sim.runFor(199);
    expect(cluster.timeToLive(0, { ID: a, keys: false }).TTL).toBe(0);
    await sim.runFor(1);
    expect(cluster.hasLease(a)).toBe(false);
    expect(cluster.timeToLive(0, { ID: a, keys: true })).toMatchObject({
      TTL: -1,
      grantedTTL: 0,
      keys: [],
    });
    expect(cluster.counters.expirations()).toEqual([{ id: a, at: 2500, kind: "expired" }]);
    await cluster.close();
  });

  it("counts keep-alive requests per lease with their times", async () => {
    const { sim, cluster } = world();
    const { ID } = cluster.grant(0, { TTL: 6, ID: 0n });
    const session = cluster.openKeepAlive(0, false, collector().listener);
    for (let i = 0; i < 3; i++) {
      session.receive(ID);
      await sim.runFor(2000);
    }
    expect(cluster.counters.statsFor(ID)).toEqual({
      count: 3,
      first: 0,
      last: 4000,
      minGapMs: 2000,
    });
    expect(cluster.counters.timesFor(ID)).toEqual([0, 2000, 4000]);
    await cluster.close();
  });
});

describe("EtcdCluster leadership", () => {
  it("a 3-member cluster elects a new leader within [ET, 2ET) of isolating the old one, and promote renews", async () => {
    const { sim, cluster } = world(3);
    const { ID } = cluster.grant(0, { TTL: 3, ID: 0n });
    const old = cluster.leaderIndex;
    expect(cluster.isolateLeader(10_000)).toBe(true);
    expect(cluster.leaderIndex).toBeUndefined();
    await sim.runUntil(() => cluster.leaderIndex !== undefined, { timeoutMs: 3000 });
    const electedAt = sim.now();
    expect(electedAt).toBeGreaterThanOrEqual(1000);
    expect(electedAt).toBeLessThan(2000);
    expect(cluster.leaderIndex).not.toBe(old);
    expect(cluster.term).toBe(2n);
    // Promote: expiry = election + ET + TTL, so the lease outlives its TTL counted from grant.
    expect(cluster.hasLease(ID)).toBe(true);
    await sim.runFor(electedAt + 1000 + 3000 - sim.now() - 1);
    expect(cluster.hasLease(ID)).toBe(true);
    await sim.runFor(501);
    expect(cluster.hasLease(ID)).toBe(false);
    await cluster.close();
  });

  it("without a leader: unary calls and new require-leader streams fail with no leader", async () => {
    const { sim, cluster } = world(1);
    cluster.isolateLeader(5000);
    const noLeader = thrown(() => cluster.grant(0, { TTL: 5, ID: 0n })) as EtcdStatusError;
    expect([noLeader.code, noLeader.details]).toEqual([GrpcCode.UNAVAILABLE, EtcdMessage.noLeader]);
    const c = collector();
    cluster.openKeepAlive(0, true, c.listener);
    expect((c.ends[0] as EtcdStatusError).details).toBe(EtcdMessage.noLeader);
    await sim.runFor(1);
    await cluster.close();
  });

  it("existing require-leader streams end after ~3 election timeouts without a leader; others wait for the leader", async () => {
    const { sim, cluster } = world(1);
    const { ID } = cluster.grant(0, { TTL: 10, ID: 0n });
    const required = collector();
    const plain = collector();
    cluster.openKeepAlive(0, true, required.listener);
    const session = cluster.openKeepAlive(0, false, plain.listener);
    await sim.runFor(300);
    cluster.isolateLeader(4500);
    session.receive(ID);
    expect(plain.responses).toEqual([]);
    await sim.runUntil(() => required.ends.length > 0, { timeoutMs: 5000 });
    expect(sim.now() - 300).toBeGreaterThanOrEqual(2000);
    expect(sim.now() - 300).toBeLessThanOrEqual(4000);
    expect((required.ends[0] as EtcdStatusError).details).toBe(EtcdMessage.noLeader);
    await sim.runUntil(() => plain.responses.length > 0, { timeoutMs: 10_000 });
    expect(plain.responses[0]?.TTL).toBe(10);
    expect(plain.ends).toEqual([]);
    expect(cluster.counters.expirations()).toEqual([]);
    await cluster.close();
  });

  it("a renew waiting for a leader times out with request timed out", async () => {
    const { sim, cluster } = world(1);
    const { ID } = cluster.grant(0, { TTL: 10, ID: 0n });
    const plain = collector();
    const session = cluster.openKeepAlive(0, false, plain.listener);
    cluster.loseQuorum(60_000);
    session.receive(ID);
    await sim.runFor(7000);
    expect((plain.ends[0] as EtcdStatusError).details).toBe(EtcdMessage.requestTimedOut);
    await cluster.close();
  });

  it("transferLeader bumps the term and renews every lease (promote)", async () => {
    const { sim, cluster } = world(5);
    const { ID } = cluster.grant(0, { TTL: 2, ID: 0n });
    await sim.runFor(1500);
    expect(cluster.transferLeader()).toBe(true);
    expect(cluster.term).toBe(2n);
    expect(cluster.timeToLive(0, { ID, keys: false }).TTL).toBe(3);
    await cluster.close();
  });

  it("a restarted member ends its streams and refuses connections until it is back", async () => {
    const { sim, cluster } = world(3);
    const c = collector();
    cluster.openKeepAlive(1, false, c.listener);
    cluster.restartMember(1, 2000);
    expect(c.ends.length).toBe(1);
    expect(thrown(() => cluster.leases(1))).toMatchObject({ code: GrpcCode.UNAVAILABLE });
    expect(cluster.leaderIndex).toBe(0);
    await sim.runFor(2000);
    expect(cluster.leases(1).leases).toEqual([]);
    cluster.restartMember(0, 2000);
    expect(cluster.leaderIndex).toBeUndefined();
    await sim.runUntil(() => cluster.leaderIndex !== undefined, { timeoutMs: 3000 });
    await cluster.close();
  });

  it("close leaves no timer", async () => {
    const { sim, cluster } = world(3);
    cluster.isolateLeader(1000);
    await cluster.close();
    expect(sim.pendingTimers("etcd")).toBe(0);
  });
});
