import { Lessor } from "@dsim/core";
import { describe, expect, it } from "vitest";
import { EtcdCluster, InProcessLeaseClient } from "../../src/etcd/index.js";
import { Simulation } from "../../src/kernel/index.js";

function world(members: 1 | 3 | 5, seed = 11) {
  const sim = new Simulation({ seed });
  const cluster = new EtcdCluster({
    clock: sim.clockFor("etcd"),
    random: sim.randomFor("etcd"),
    members,
    trace: sim.trace,
  });
  const client = new InProcessLeaseClient({
    cluster,
    clock: sim.clockFor("etcd-client"),
    random: sim.randomFor("etcd-client"),
    endpoints: members === 1 ? [0] : [1, 2, 0],
    latencyMs: 2,
  });
  const lessor = new Lessor({ client, clock: sim.clockFor("lessor") });
  return { sim, cluster, client, lessor };
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
  await sim.runUntil(() => out !== undefined, { timeoutMs: 10_000 });
  if (out === undefined) throw new Error("unreachable");
  if ("e" in out) throw out.e;
  return out.v;
}

describe("Lessor against the fake etcd (in-process transport)", () => {
  it("keeps a lease alive through a leader loss shorter than its TTL, at ≤ 1 request per TTL/3", async () => {
    const { sim, cluster, client, lessor } = world(1);
    const { ID, TTL } = await call(sim, lessor.grant(10));
    const sub = lessor.keepAlive(ID);
    await sim.runFor(5000);
    cluster.isolateLeader(2500);
    await sim.runFor(60_000);
    expect(cluster.counters.expirations()).toEqual([]);
    expect(sub.closed).toBe(false);
    expect(cluster.counters.statsFor(ID)?.minGapMs).toBeGreaterThanOrEqual((TTL * 1000) / 3);
    await lessor.close();
    await client.close();
    await cluster.close();
    expect(sim.pendingTimers("lessor")).toBe(0);
    expect(client.openStreams()).toBe(0);
  });

  it("follower endpoints forward to the leader; require-leader subscribers close on quorum loss, others survive", async () => {
    const { sim, cluster, client, lessor } = world(3);
    const { ID } = await call(sim, lessor.grant(20));
    const plain = lessor.keepAlive(ID);
    const leader = lessor.keepAlive(ID, { requireLeader: true });
    await sim.runFor(3000);
    expect(plain.buffered).toBeGreaterThan(0);
    cluster.loseQuorum(6000);
    await sim.runFor(5000);
    expect(leader.closeReason?.kind).toBe("no-leader");
    expect(plain.closed).toBe(false);
    await sim.runFor(30_000);
    expect(plain.closed).toBe(false);
    expect(cluster.counters.expirations()).toEqual([]);
    await lessor.close();
    await client.close();
    await cluster.close();
  });

  it("subscriptions of a revoked lease close within TTL + 1 s and no requests follow", async () => {
    const { sim, cluster, client, lessor } = world(1);
    const { ID } = await call(sim, lessor.grant(5));
    const sub = lessor.keepAlive(ID);
    await sim.runFor(2000);
    await call(sim, lessor.revoke(ID));
    const revokedAt = sim.now();
    await sim.runUntil(() => sub.closed, { timeoutMs: 6000 });
    expect(sim.now() - revokedAt).toBeLessThanOrEqual(6000);
    expect(sub.closeReason?.kind).toBe("expired");
    const count = cluster.counters.statsFor(ID)?.count;
    await sim.runFor(20_000);
    expect(cluster.counters.statsFor(ID)?.count).toBe(count);
    await lessor.close();
    await client.close();
    await cluster.close();
  });

  it("is deterministic: same seed, same trace digest", async () => {
    const digests: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { sim, cluster, client, lessor } = world(3, 99);
      const { ID } = await call(sim, lessor.grant(6));
      lessor.keepAlive(ID);
      cluster.isolateLeader(3000);
      await sim.runFor(20_000);
      await lessor.close();
      await client.close();
      await cluster.close();
      digests.push(sim.trace.digest());
    }
    expect(digests[0]).toBe(digests[1]);
  });
});
