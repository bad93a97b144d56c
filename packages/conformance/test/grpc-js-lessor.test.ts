import { LeaseNotFoundError, Lessor, systemClock } from "@dsim/core";
import { GrpcJsLeaseClient } from "@dsim/core/adapters/grpc-js";
import { Client, credentials } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delay, EtcdCluster, type EtcdMember } from "./helpers/etcd-cluster.js";
import { drain, eventually } from "./helpers/lessor-stack.js";

// The same lessor over the grpc-js adapter (a user's grpc-js client) against the real etcd.

let cluster: EtcdCluster;

beforeAll(async () => {
  cluster = await EtcdCluster.start();
});

afterAll(async () => {
  await cluster?.close();
});

/** A grpc-js client over every member, `first` first (grpc-js pick_first over an ipv4 list). */
function grpcJsLessor(first?: EtcdMember): { lessor: Lessor; client: Client } & AsyncDisposable {
  const addresses =
    first === undefined
      ? cluster.clientAddresses
      : [first.clientAddress, ...cluster.clientAddresses.filter((a) => a !== first.clientAddress)];
  const client = new Client(`ipv4:${addresses.join(",")}`, credentials.createInsecure(), {
    "grpc.initial_reconnect_backoff_ms": 200,
    "grpc.max_reconnect_backoff_ms": 1000,
  });
  const lessor = new Lessor({
    client: new GrpcJsLeaseClient(client),
    clock: systemClock,
    metadata: { "client-api-version": ["3.4"] },
  });
  return {
    lessor,
    client,
    [Symbol.asyncDispose]: async () => {
      await lessor.close();
      client.close();
    },
  };
}

describe("the lessor over @grpc/grpc-js against real etcd", () => {
  it("grant, leases, timeToLive, revoke and the exact NOT_FOUND error", async () => {
    await using stack = grpcJsLessor();
    const granted = await stack.lessor.grant(20);
    expect(granted.ID > 0n).toBe(true);
    expect(granted.TTL).toBe(20);
    expect((await stack.lessor.leases()).leases.map((l) => l.ID)).toContain(granted.ID);
    expect((await stack.lessor.timeToLive(granted.ID)).grantedTTL).toBe(20);
    await stack.lessor.revoke(granted.ID);
    expect((await stack.lessor.timeToLive(granted.ID)).TTL).toBe(-1);
    const error = await stack.lessor.revoke(granted.ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseNotFoundError);
    expect((error as Error).message).toBe("etcdserver: requested lease not found");
  });

  it("keepAliveOnce and keepAlive renew with the granted TTL", async () => {
    await using stack = grpcJsLessor();
    const granted = await stack.lessor.grant(2);
    const once = await stack.lessor.keepAliveOnce(granted.ID, {
      signal: AbortSignal.timeout(5000),
    });
    expect(once.TTL).toBe(2);
    const subscription = stack.lessor.keepAlive(granted.ID);
    const seen = drain(subscription);
    await delay(3000);
    expect(subscription.closed).toBe(false);
    expect(seen.responses.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen.responses.map((r) => r.ttl))).toEqual(new Set([2]));
    // floor(remaining seconds): 0 or more while alive, -1 once gone.
    expect((await stack.lessor.timeToLive(granted.ID)).TTL).toBeGreaterThanOrEqual(0);
    await stack.lessor.revoke(granted.ID);
    await seen.done;
    expect(seen.closeReason).toEqual({ kind: "expired" });
  });

  it("keep-alive survives SIGKILL of the leader the grpc-js client is connected to", async () => {
    const leader = await cluster.leader();
    await using stack = grpcJsLessor(leader);
    const granted = await stack.lessor.grant(6);
    const subscription = stack.lessor.keepAlive(granted.ID);
    const seen = drain(subscription);
    expect(await eventually(() => seen.responses.length >= 2, 10_000)).toBe(true);
    const leaderId = await cluster.memberId(leader);
    expect(seen.responses.at(-1)?.member).toBe(leaderId);
    await cluster.kill(leader, "SIGKILL");
    const killedAt = Date.now();
    expect(await eventually(() => seen.after(killedAt) >= 1, 6000)).toBe(true);
    expect(seen.firstAfter(killedAt)?.member).not.toBe(leaderId);
    console.info(
      `[conformance] grpc-js: first renewal ${(seen.firstAfter(killedAt)?.at ?? 0) - killedAt} ms after SIGKILL of the leader`,
    );
    expect(subscription.closed).toBe(false);
    expect((await stack.lessor.timeToLive(granted.ID)).TTL).toBeGreaterThan(0);
    subscription.cancel();
    await seen.done;
    await stack.lessor.revoke(granted.ID);
    cluster.restart(leader);
    await cluster.waitHealthy(15_000);
  });
});
