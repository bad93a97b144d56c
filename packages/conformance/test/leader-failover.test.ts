import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EtcdCluster as Cluster,
  delay,
  type EtcdCluster,
  type EtcdMember,
} from "./helpers/etcd-cluster.js";
import { drain, eventually, lessorStack } from "./helpers/lessor-stack.js";

// Keep-alive through the loss of the leader process, with the client connected to the leader
// (its address first, pick_first): the connection dies (SIGKILL) or goes silent (SIGSTOP), the
// channel fails over to another member, the lessor reopens its stream, the lease survives.

// 9 s leaves room for the slowest path (SIGSTOP: keepalive detection ≤ 2 s + a 1 s connect
// timeout on the frozen member + stream retry) on a loaded 2-core machine.
const TTL = 9;
let cluster: EtcdCluster;

beforeAll(async () => {
  cluster = await Cluster.start();
});

afterAll(async () => {
  await cluster?.close();
});

/** Client addresses with `first` in front, so the channel connects to it. */
function addressesFrom(first: EtcdMember): string[] {
  return [first.clientAddress, ...cluster.clientAddresses.filter((a) => a !== first.clientAddress)];
}

describe("keep-alive survives the loss of the leader (real etcd)", () => {
  it("SIGKILL of the leader the client is connected to", async () => {
    const leader = await cluster.leader();
    await using stack = lessorStack(addressesFrom(leader));
    const granted = await stack.lessor.grant(TTL);
    const subscription = stack.lessor.keepAlive(granted.ID);
    const seen = drain(subscription);
    expect(await eventually(() => seen.responses.length >= 2, 10_000)).toBe(true);
    const opened = stack.lessor.stats().streamsOpened;
    const leaderId = await cluster.memberId(leader);
    // The client really talks to the leader: it is the member answering.
    expect(seen.responses.at(-1)?.member).toBe(leaderId);

    await cluster.kill(leader, "SIGKILL");
    const killedAt = Date.now();
    const newLeader = await cluster.leader(10_000);
    expect(newLeader).not.toBe(leader);
    // Renewals resume on another member before the lease's TTL runs out.
    expect(await eventually(() => seen.after(killedAt) >= 1, TTL * 1000)).toBe(true);
    expect(subscription.closed).toBe(false);
    expect(stack.lessor.stats().streamsOpened).toBeGreaterThan(opened);
    const resumed = seen.firstAfter(killedAt);
    expect(resumed?.member).not.toBe(leaderId);
    console.info(
      `[conformance] SIGKILL of the leader: first renewal ${(resumed?.at ?? 0) - killedAt} ms after the kill`,
    );
    // Wait past one whole TTL after the kill: the lease is still alive on the new leader.
    await delay(Math.max(0, killedAt + TTL * 1000 + 500 - Date.now()));
    expect(subscription.closed).toBe(false);
    const ttl = await stack.lessor.timeToLive(granted.ID);
    expect(ttl.TTL).toBeGreaterThan(0);
    expect(ttl.grantedTTL).toBe(TTL);

    subscription.cancel();
    await seen.done;
    await stack.lessor.revoke(granted.ID);
    cluster.restart(leader);
    await cluster.waitHealthy(15_000);
  });

  it("SIGSTOP of the leader the client is connected to, then SIGCONT", async () => {
    const leader = await cluster.leader();
    const messages: string[] = [];
    await using stack = lessorStack(addressesFrom(leader), {
      logger: { log: (_level, message) => messages.push(message) },
    });
    const granted = await stack.lessor.grant(TTL);
    const subscription = stack.lessor.keepAlive(granted.ID);
    const seen = drain(subscription);
    expect(await eventually(() => seen.responses.length >= 2, 10_000)).toBe(true);
    const leaderId = await cluster.memberId(leader);
    expect(seen.responses.at(-1)?.member).toBe(leaderId);

    cluster.stop(leader);
    const stoppedAt = Date.now();
    try {
      // The frozen member keeps its TCP connection open: only keepalive pings notice it.
      expect(await eventually(() => seen.after(stoppedAt) >= 1, TTL * 1000)).toBe(true);
      expect(subscription.closed).toBe(false);
      const resumed = seen.firstAfter(stoppedAt);
      expect(resumed?.member).not.toBe(leaderId);
      // It was the keepalive ping (PING over the real HTTP/2 session) that noticed.
      expect(messages).toContain("keepalive ping failed, closing connection");
      console.info(
        `[conformance] SIGSTOP of the leader: first renewal ${(resumed?.at ?? 0) - stoppedAt} ms after the stop`,
      );
      const newLeader = await cluster.leader(10_000);
      expect(newLeader).not.toBe(leader);
    } finally {
      cluster.cont(leader);
    }
    const continuedAt = Date.now();
    await cluster.waitHealthy(15_000);
    // The old leader rejoins as a follower; renewals go on and the lease is alive.
    expect(await eventually(() => seen.after(continuedAt) >= 1, TTL * 1000)).toBe(true);
    expect(subscription.closed).toBe(false);
    expect((await stack.lessor.timeToLive(granted.ID)).TTL).toBeGreaterThan(0);
    subscription.cancel();
    await seen.done;
    await stack.lessor.revoke(granted.ID);
  });
});
