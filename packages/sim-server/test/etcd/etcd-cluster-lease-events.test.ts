import type { LeaseKeepAliveResponse } from "@dsim/core";
import { describe, expect, it } from "vitest";
import { EtcdCluster, type EtcdLeaseEvent, type EtcdStatusError } from "../../src/etcd/index.js";
import { Simulation } from "../../src/kernel/index.js";

function world(members: 1 | 3 | 5, events: EtcdLeaseEvent[] = []) {
  const sim = new Simulation({ seed: 11 });
  const cluster = new EtcdCluster({
    clock: sim.clockFor("etcd"),
    random: sim.randomFor("etcd"),
    members,
    observer: { onLeaseEvent: (e) => events.push(e) },
  });
  return { sim, cluster, events };
}

function collector() {
  const responses: { at: number; response: LeaseKeepAliveResponse }[] = [];
  const ends: (Error | undefined)[] = [];
  return { responses, ends };
}

describe("EtcdCluster lease events, overload and rejoin", () => {
  it("reports grants, renewals, TimeToLive answers, leader changes and expiries in order", async () => {
    const { sim, cluster, events } = world(3);
    const { ID } = cluster.grant(0, { TTL: 2, ID: 0n });
    const session = cluster.openKeepAlive(0, false, { onResponse: () => {}, onEnd: () => {} });
    session.receive(ID);
    cluster.timeToLive(0, { ID, keys: false });
    cluster.transferLeader();
    await sim.runFor(10_000);
    const kinds = events.map((e) => e.kind);
    // The first election happens in the constructor.
    expect(kinds.slice(0, 6)).toEqual([
      "promote",
      "grant",
      "renew",
      "time-to-live",
      "demote",
      "promote",
    ]);
    expect(events[2]).toMatchObject({ kind: "renew", id: ID, ttl: 2 });
    expect(events[3]).toMatchObject({ kind: "time-to-live", id: ID, ttl: 2, grantedTTL: 2 });
    const expiry = events.find((e) => e.kind === "expire");
    const promote = events[5] as EtcdLeaseEvent;
    // Promote renews every lease for ET + TTL; the expiry loop then removes it at its next tick.
    expect(expiry?.at).toBeGreaterThanOrEqual(promote.at + 1000 + 2000);
    expect(expiry?.at).toBeLessThanOrEqual(promote.at + 1000 + 2000 + 500);
    await cluster.close();
  });

  it("refuses new calls and streams while overloaded but keeps serving open streams", async () => {
    const { sim, cluster } = world(1);
    const { ID } = cluster.grant(0, { TTL: 5, ID: 0n });
    const seen = collector();
    const session = cluster.openKeepAlive(0, false, {
      onResponse: (response) => seen.responses.push({ at: sim.now(), response }),
      onEnd: (e) => seen.ends.push(e),
    });
    cluster.refuseNewCalls(1000);
    const refused = (() => {
      try {
        cluster.grant(0, { TTL: 5, ID: 0n });
      } catch (error) {
        return error as EtcdStatusError;
      }
      return undefined;
    })();
    expect(refused?.details).toBe("etcdserver: request timed out");
    expect(() =>
      cluster.openKeepAlive(0, false, { onResponse: () => {}, onEnd: () => {} }),
    ).toThrow("request timed out");
    session.receive(ID);
    expect(seen.responses.map((r) => r.response.TTL)).toEqual([5]);
    await sim.runFor(1000);
    expect(cluster.grant(0, { TTL: 5, ID: 0n }).TTL).toBe(5);
    expect(seen.ends).toEqual([]);
    await cluster.close();
  });

  it("ends streams cleanly (status OK) when asked to end them without an error", async () => {
    const { cluster } = world(1);
    const seen = collector();
    cluster.openKeepAlive(0, true, { onResponse: () => {}, onEnd: (e) => seen.ends.push(e) });
    cluster.endStreams(0, undefined);
    expect(seen.ends).toEqual([undefined]);
    await cluster.close();
  });

  it("a member that rejoins answers the renewals it held while it saw no leader", async () => {
    const { sim, cluster } = world(3);
    const leader = cluster.leaderIndex as number;
    const { ID } = cluster.grant(leader, { TTL: 30, ID: 0n });
    const seen = collector();
    const session = cluster.openKeepAlive(leader, false, {
      onResponse: (response) => seen.responses.push({ at: sim.now(), response }),
      onEnd: (e) => seen.ends.push(e),
    });
    cluster.isolateLeader(3000);
    await sim.runFor(100);
    // The isolated member has no leader: it holds the renewal instead of answering.
    session.receive(ID);
    await sim.runFor(2800);
    expect(seen.responses).toEqual([]);
    // Healed at 3 s: the renewal is forwarded within one election timeout, long before etcd's
    // request timeout (7 s) would end the stream.
    await sim.runFor(1200);
    expect(seen.responses.map((r) => r.response.TTL)).toEqual([30]);
    expect(seen.ends).toEqual([]);
    await cluster.close();
  });
});
