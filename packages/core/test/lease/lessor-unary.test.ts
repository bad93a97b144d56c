import { describe, expect, it } from "vitest";
import { isDsimError } from "../../src/errors.js";
import {
  EtcdMessage,
  GrpcCode,
  LeaseExistsError,
  LeaseNoLeaderError,
  LeaseNotFoundError,
  LeaseTtlTooLargeError,
  Lessor,
} from "../../src/lease/index.js";
import { FakeLeaseClient, FakeStatusError } from "./helpers/fake-lease-client.js";
import { TestClock } from "./helpers/test-clock.js";

function world() {
  const clock = new TestClock();
  const client = new FakeLeaseClient(clock);
  client.latencyMs = 5;
  const lessor = new Lessor({ client, clock, metadata: { "client-api-version": ["3.4"] } });
  return { clock, client, lessor };
}

async function settleWith<T>(clock: TestClock, promise: Promise<T>, ms = 10): Promise<T> {
  const guarded = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await clock.advance(ms);
  const result = await guarded;
  if (result.ok) return result.value;
  throw result.error;
}

describe("Lessor unary calls", () => {
  it("grant, timeToLive, leases, revoke round-trip", async () => {
    const { clock, lessor } = world();
    const granted = await settleWith(clock, lessor.grant(10));
    expect(granted.TTL).toBe(10);
    expect(granted.ID).toBeGreaterThan(0n);
    await clock.advance(2500);
    const ttl = await settleWith(clock, lessor.timeToLive(granted.ID, { keys: true }));
    expect(ttl).toMatchObject({ ID: granted.ID, TTL: 7, grantedTTL: 10 });
    expect(ttl.keys.length).toBe(1);
    const all = await settleWith(clock, lessor.leases());
    expect(all.leases.map((l) => l.ID)).toEqual([granted.ID]);
    await settleWith(clock, lessor.revoke(granted.ID));
    const gone = await settleWith(clock, lessor.timeToLive(granted.ID));
    expect(gone.TTL).toBe(-1);
    await lessor.close();
  });

  it("maps etcd errors to typed errors", async () => {
    const { clock, client, lessor } = world();
    await expect(settleWith(clock, lessor.revoke(42n))).rejects.toBeInstanceOf(LeaseNotFoundError);
    await expect(settleWith(clock, lessor.grant(9_000_000_001))).rejects.toBeInstanceOf(
      LeaseTtlTooLargeError,
    );
    await settleWith(clock, lessor.grant(5, { id: 77n }));
    await expect(settleWith(clock, lessor.grant(5, { id: 77n }))).rejects.toBeInstanceOf(
      LeaseExistsError,
    );
    client.unaryError = new FakeStatusError(GrpcCode.UNAVAILABLE, EtcdMessage.noLeader);
    const error = await settleWith(clock, lessor.leases()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseNoLeaderError);
    expect(isDsimError(error, "LEASE_NO_LEADER")).toBe(true);
    client.unaryError = new FakeStatusError(GrpcCode.UNAVAILABLE, EtcdMessage.leaderChanged);
    await expect(settleWith(clock, lessor.leases())).rejects.toMatchObject({
      code: "LEASE_UNAVAILABLE",
      message: EtcdMessage.leaderChanged,
    });
    client.unaryError = new FakeStatusError(GrpcCode.INVALID_ARGUMENT, "bad");
    await expect(settleWith(clock, lessor.leases())).rejects.toMatchObject({
      code: "LEASE_RPC_FAILED",
      grpcCode: GrpcCode.INVALID_ARGUMENT,
    });
    await lessor.close();
  });

  it("a caller's abort rejects with ABORTED and does not disturb keep-alives", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 3);
    const sub = lessor.keepAlive(1n);
    const a = new AbortController();
    const call = lessor.grant(5, { signal: a.signal }).catch((e: unknown) => e);
    a.abort();
    expect(isDsimError(await call, "ABORTED")).toBe(true);
    await clock.advance(3000);
    expect(sub.closed).toBe(false);
    expect(client.openStreams()).toBe(1);
    await lessor.close();
  });

  it("close cancels calls in flight and waits for them", async () => {
    const { client, lessor } = world();
    client.latencyMs = 1000;
    const call = lessor.grant(5).catch((e: unknown) => e);
    await lessor.close();
    expect(isDsimError(await call, "CLOSED")).toBe(true);
    expect(lessor.stats().pendingCalls).toBe(0);
  });

  it("validates arguments up front", () => {
    const { lessor } = world();
    expect(() => lessor.revoke(0n)).toThrow(RangeError);
    expect(() => lessor.revoke(-1n)).toThrow(RangeError);
    expect(() => lessor.revoke(2n ** 63n)).toThrow(RangeError);
    expect(() => lessor.revoke(5 as unknown as bigint)).toThrow(TypeError);
    expect(() => lessor.grant(1.5)).toThrow(RangeError);
    expect(() => lessor.grant("5" as unknown as number)).toThrow(TypeError);
    expect(() => lessor.keepAlive(1n, { requireLeader: "yes" as unknown as boolean })).toThrow(
      TypeError,
    );
    expect(() => lessor.leases({ signal: {} as AbortSignal })).toThrow(TypeError);
    expect(() => lessor.keepAlive(1n, { signal: {} as AbortSignal })).toThrow(TypeError);
    const clock = new TestClock();
    const client = new FakeLeaseClient(clock);
    expect(() => new Lessor({ client, clock, retryConnWaitMs: 0 })).toThrow(RangeError);
    expect(() => new Lessor({ client, clock, sendIntervalMs: Number.NaN })).toThrow(TypeError);
    expect(() => new Lessor({ client, clock, responseBufferSize: 0 })).toThrow(RangeError);
    expect(() => new Lessor({ client: {} as FakeLeaseClient, clock })).toThrow(TypeError);
    expect(() => new Lessor({ client, clock: {} as TestClock })).toThrow(TypeError);
  });
});

describe("Lessor.keepAliveOnce", () => {
  it("renews once over its own short stream", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 4);
    const response = await settleWith(clock, lessor.keepAliveOnce(1n));
    expect(response).toMatchObject({ ID: 1n, TTL: 4 });
    expect(client.openStreams()).toBe(0);
    expect(client.streams[0]?.metadata.hasleader).toBeUndefined();
    await lessor.close();
  });

  it("answers LeaseNotFound for TTL 0", async () => {
    const { clock, lessor } = world();
    await expect(settleWith(clock, lessor.keepAliveOnce(9n))).rejects.toBeInstanceOf(
      LeaseNotFoundError,
    );
    await lessor.close();
  });

  it("retries UNAVAILABLE every 500 ms and stops on other errors", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 4);
    client.openError = new FakeStatusError(GrpcCode.UNAVAILABLE, EtcdMessage.noLeader);
    const call = lessor.keepAliveOnce(1n, { requireLeader: true });
    await clock.advance(1600);
    expect(client.streams.length).toBe(4);
    expect(client.openStreams()).toBe(0);
    client.openError = undefined;
    const response = await settleWith(clock, call, 600);
    expect(response.TTL).toBe(4);
    expect(client.streams[0]?.metadata.hasleader).toEqual(["true"]);
    client.openError = new FakeStatusError(GrpcCode.INVALID_ARGUMENT, "nope");
    await expect(settleWith(clock, lessor.keepAliveOnce(1n))).rejects.toMatchObject({
      code: "LEASE_RPC_FAILED",
    });
    await lessor.close();
  });

  it("stops retrying when the caller aborts or the lessor closes", async () => {
    const { clock, client, lessor } = world();
    client.openError = new FakeStatusError(GrpcCode.UNAVAILABLE, EtcdMessage.noLeader);
    const a = new AbortController();
    const aborted = lessor.keepAliveOnce(1n, { signal: a.signal }).catch((e: unknown) => e);
    const closed = lessor.keepAliveOnce(1n).catch((e: unknown) => e);
    await clock.advance(700);
    a.abort();
    expect(isDsimError(await aborted, "ABORTED")).toBe(true);
    await lessor.close();
    expect(isDsimError(await closed, "CLOSED")).toBe(true);
    expect(clock.pending()).toBe(0);
  });
});
