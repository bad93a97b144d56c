import {
  EtcdMessage,
  isDsimError,
  LeaseExistsError,
  LeaseNotFoundError,
  LeaseTtlTooLargeError,
  MAX_LEASE_TTL,
} from "@dsim/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EtcdCluster } from "./helpers/etcd-cluster.js";
import { drain, eventually, type LessorStack, lessorStack } from "./helpers/lessor-stack.js";

// Lease semantics of a real etcd, observed through core's Lessor on core's ClientConn and the
// node:http2 dialer: what the fake etcd in sim-server must reproduce.

let cluster: EtcdCluster;
let stack: LessorStack;

beforeAll(async () => {
  cluster = await EtcdCluster.start();
  stack = lessorStack(cluster.clientAddresses);
});

afterAll(async () => {
  await stack?.close();
  await cluster?.close();
});

describe(`lease semantics of etcd (real cluster, 500 ms election timeout)`, () => {
  it("grant picks a positive ID and answers the effective TTL; leases lists it", async () => {
    const granted = await stack.lessor.grant(30);
    expect(granted.ID > 0n).toBe(true);
    expect(granted.TTL).toBe(30);
    expect(granted.error).toBe("");
    expect(granted.header.clusterId).not.toBe(0n);
    const { leases } = await stack.lessor.leases();
    expect(leases.map((l) => l.ID)).toContain(granted.ID);
    const ttl = await stack.lessor.timeToLive(granted.ID);
    expect(ttl.grantedTTL).toBe(30);
    expect(ttl.TTL).toBeGreaterThanOrEqual(28);
    expect(ttl.TTL).toBeLessThanOrEqual(30);
    await stack.lessor.revoke(granted.ID);
  });

  it("raises a TTL below the minimum to ceil(1.5 × election timeout) = 1 s (0 and negatives too)", async () => {
    for (const asked of [0, -5, 1]) {
      const granted = await stack.lessor.grant(asked);
      expect({ asked, ttl: granted.TTL }).toEqual({ asked, ttl: 1 });
      await stack.lessor.revoke(granted.ID);
    }
  });

  it("grant with an explicit ID: used as is; a second grant fails with FAILED_PRECONDITION", async () => {
    const id = 0x7000_0000_0000_0001n + BigInt(Date.now() % 1000);
    const granted = await stack.lessor.grant(10, { id });
    expect(granted.ID).toBe(id);
    const error = await stack.lessor.grant(10, { id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseExistsError);
    expect((error as Error).message).toBe(EtcdMessage.leaseExists);
    expect((error as LeaseExistsError).grpcCode).toBe(9);
    await stack.lessor.revoke(id);
  });

  it("a TTL above MAX_LEASE_TTL fails with OUT_OF_RANGE 'too large lease TTL'", async () => {
    const error = await stack.lessor.grant(MAX_LEASE_TTL + 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseTtlTooLargeError);
    expect((error as Error).message).toBe("etcdserver: too large lease TTL");
    expect((error as LeaseTtlTooLargeError).grpcCode).toBe(11);
  });

  it("revoke of an unknown ID fails with NOT_FOUND 'requested lease not found'", async () => {
    const error = await stack.lessor.revoke(0x1234_5678n).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseNotFoundError);
    expect(isDsimError(error, "LEASE_NOT_FOUND")).toBe(true);
    expect((error as Error).message).toBe("etcdserver: requested lease not found");
    expect((error as LeaseNotFoundError).grpcCode).toBe(5);
  });

  it("timeToLive of an unknown ID answers TTL -1 without error", async () => {
    const response = await stack.lessor.timeToLive(0x1234_5679n);
    expect(response.TTL).toBe(-1);
  });

  it("a lease without keep-alives expires: timeToLive turns to -1 within TTL + 2 s", async () => {
    const granted = await stack.lessor.grant(1);
    const started = Date.now();
    const expired = await eventually(
      async () => (await stack.lessor.timeToLive(granted.ID)).TTL === -1,
      5000,
    );
    expect(expired).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    // Revoking an expired lease: NOT_FOUND, like any unknown one.
    await expect(stack.lessor.revoke(granted.ID)).rejects.toBeInstanceOf(LeaseNotFoundError);
  });

  // Regression for a bug this suite found: over GrpcLeaseClient, keepAliveOnce used to retry
  // forever because the stream refused sends until it was open. The LeaseKeepAliveStream contract
  // now queues them (see lease-client.ts).
  it("keepAliveOnce renews a live lease (granted TTL) and reports an unknown one as not found", async () => {
    const signal = AbortSignal.timeout(3000);
    const granted = await stack.lessor.grant(7);
    const renewed = await stack.lessor.keepAliveOnce(granted.ID, { signal });
    expect(renewed.TTL).toBe(7);
    expect(renewed.ID).toBe(granted.ID);
    await stack.lessor.revoke(granted.ID);
    // The server answers TTL 0 without error; the lessor turns that into LeaseNotFoundError.
    await expect(stack.lessor.keepAliveOnce(granted.ID, { signal })).rejects.toBeInstanceOf(
      LeaseNotFoundError,
    );
  });

  it("keepAlive renews with the granted TTL every TTL/3 and keeps the lease alive past its TTL", async () => {
    const granted = await stack.lessor.grant(2);
    const subscription = stack.lessor.keepAlive(granted.ID);
    const seen = drain(subscription);
    await new Promise((resolve) => setTimeout(resolve, 4500));
    const ttl = await stack.lessor.timeToLive(granted.ID);
    // floor(remaining seconds): 0 or more while alive (renewals come every 0.67–1.2 s), -1 once gone.
    expect(ttl.TTL).toBeGreaterThanOrEqual(0);
    expect(ttl.grantedTTL).toBe(2);
    // Every answer carries the granted TTL, not the remaining time.
    expect(new Set(seen.responses.map((r) => r.ttl))).toEqual(new Set([2]));
    // TTL 2 s → a renewal is due 667 ms after each response and the send loop looks every
    // 500 ms: one response per 0.67–1.2 s. Never more than one per TTL/3 (≤ 7 in 4.5 s), and
    // at least one per TTL or the lease would have expired.
    expect(seen.responses.length).toBeGreaterThanOrEqual(3);
    expect(seen.responses.length).toBeLessThanOrEqual(7);
    const gaps = seen.responses.slice(1).map((r, i) => r.at - (seen.responses[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(600);
    expect(Math.max(...gaps)).toBeLessThan(2000);
    subscription.cancel();
    await seen.done;
    expect(seen.closeReason).toEqual({ kind: "cancelled" });
    await stack.lessor.revoke(granted.ID);
  });

  it("revoke ends the keep-alive: the subscription closes as expired", async () => {
    const granted = await stack.lessor.grant(5);
    const subscription = stack.lessor.keepAlive(granted.ID);
    const seen = drain(subscription);
    expect(await eventually(() => seen.responses.length >= 1, 5000)).toBe(true);
    await stack.lessor.revoke(granted.ID);
    await seen.done;
    expect(seen.closeReason).toEqual({ kind: "expired" });
  });

  it("cancelling one subscriber leaves the other subscriber of the same lease running", async () => {
    const granted = await stack.lessor.grant(2);
    const first = stack.lessor.keepAlive(granted.ID);
    const second = stack.lessor.keepAlive(granted.ID);
    const a = drain(first);
    const b = drain(second);
    expect(await eventually(() => a.responses.length >= 1, 5000)).toBe(true);
    second.cancel();
    await b.done;
    const cancelledAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(first.closed).toBe(false);
    expect(a.after(cancelledAt)).toBeGreaterThanOrEqual(2);
    expect((await stack.lessor.timeToLive(granted.ID)).TTL).toBeGreaterThanOrEqual(0);
    first.cancel();
    await a.done;
    await stack.lessor.revoke(granted.ID);
  });
});
