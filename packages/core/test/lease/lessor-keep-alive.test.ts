import { describe, expect, it } from "vitest";
import {
  EtcdMessage,
  GrpcCode,
  KeepAliveHaltedError,
  type LeaseKeepAliveResponse,
  Lessor,
  type LessorOptions,
} from "../../src/lease/index.js";
import type { LogFields, Logger, LogLevel } from "../../src/log/logger.js";
import { FakeLeaseClient, FakeStatusError } from "./helpers/fake-lease-client.js";
import { TestClock } from "./helpers/test-clock.js";

class MemoryLogger implements Logger {
  readonly records: { level: LogLevel; message: string; fields: LogFields | undefined }[] = [];
  log(level: LogLevel, message: string, fields?: LogFields): void {
    this.records.push({ level, message, fields });
  }
}

function world(options: Partial<LessorOptions> = {}) {
  const clock = new TestClock();
  const client = new FakeLeaseClient(clock);
  const logger = new MemoryLogger();
  const lessor = new Lessor({ client, clock, logger, ...options });
  return { clock, client, logger, lessor };
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

async function drain(sub: AsyncIterable<LeaseKeepAliveResponse>): Promise<number> {
  let n = 0;
  for await (const _ of sub) n += 1;
  return n;
}

describe("Lessor.keepAlive", () => {
  it("sends the first request within one send tick and renews every TTL/3", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 6);
    const sub = lessor.keepAlive(1n);
    await clock.advance(60_000);
    const times = client.requestsFor(1n);
    expect(times[0]).toBe(0);
    // Due every 2000 ms after each response; the 500 ms tick hits it exactly.
    expect(gaps(times).every((g) => g === 2000)).toBe(true);
    expect(times.length).toBe(31);
    expect(sub.closed).toBe(false);
    expect(sub.buffered).toBe(16);
    await lessor.close();
  });

  it("delivers an unchanged renewal as the same object, and a changed one as a new object", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 6);
    const sub = lessor.keepAlive(1n);
    const other = lessor.keepAlive(1n);
    const seen: LeaseKeepAliveResponse[] = [];
    const reading = (async () => {
      for await (const response of sub) {
        seen.push(response);
        if (seen.length === 4) break;
      }
    })();
    await clock.advance(4000);
    const lease = client.leasesById.get(1n);
    if (lease === undefined) throw new Error("lease missing");
    // The server now grants another TTL (as after a re-grant): the next response differs.
    lease.ttl = 9;
    await clock.advance(8000);
    await reading;
    expect(seen.map((r) => r.TTL)).toEqual([6, 6, 6, 9]);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBe(seen[0]);
    expect(seen[3]).not.toBe(seen[0]);
    // Every subscriber of the lease gets the same value.
    await expect(other.receive()).resolves.toBe(seen[0]);
    await lessor.close();
  });

  it("listen: buffered responses first, then each one as it arrives; reads see only the close", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 6);
    const sub = lessor.keepAlive(1n);
    await clock.advance(2500);
    expect(sub.buffered).toBe(2);
    const got: number[] = [];
    sub.listen(() => got.push(clock.now()));
    // The two buffered responses are handed over at once, synchronously.
    expect(got.length).toBe(2);
    expect(sub.buffered).toBe(0);
    await clock.advance(6000);
    expect(got.slice(2)).toEqual(client.requestsFor(1n).slice(2));
    expect(() => sub.listen(() => {})).toThrow(/already set/);
    expect(() => lessor.keepAlive(1n).listen(42 as never)).toThrow(TypeError);
    expect(sub.tryReceive()).toBeUndefined();
    const read = sub.receive();
    await lessor.close();
    expect(await read).toBeUndefined();
    expect(lessor.stats().responsesDropped).toBe(0);
  });

  it("listen: a throwing listener closes its own subscription with the error, and only it", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 6);
    const failing = lessor.keepAlive(1n);
    const healthy = lessor.keepAlive(1n);
    const boom = new Error("boom");
    let calls = 0;
    failing.listen(() => {
      calls += 1;
      throw boom;
    });
    let healthyCount = 0;
    healthy.listen(() => {
      healthyCount += 1;
    });
    await clock.advance(10_000);
    expect(calls).toBe(1);
    expect(failing.closeReason).toEqual({ kind: "listener-error", error: boom });
    expect(failing.error).toBe(boom);
    expect(healthy.closed).toBe(false);
    expect(healthyCount).toBe(client.requestsFor(1n).length);
    expect(lessor.stats().subscribers).toBe(1);
    await lessor.close();
  });

  it("keeps the rate at ≤ 1 per TTL/3 when the consumer never reads, and logs drops", async () => {
    const { clock, client, lessor, logger } = world();
    client.addLease(1n, 3);
    const sub = lessor.keepAlive(1n);
    await clock.advance(30_000);
    expect(sub.buffered).toBe(16);
    const g = gaps(client.requestsFor(1n));
    expect(Math.min(...g)).toBeGreaterThanOrEqual(1000);
    expect(lessor.stats().responsesDropped).toBeGreaterThan(0);
    expect(logger.records.some((r) => r.message.includes("queue is full"))).toBe(true);
    expect(client.leasesById.has(1n)).toBe(true);
    await lessor.close();
    // Buffered responses remain readable after close; then the iteration ends.
    expect(await drain(sub)).toBe(16);
  });

  it("keeps the rate at ≤ 1 per TTL/3 when responses are lost", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 3);
    const sub = lessor.keepAlive(1n);
    await clock.advance(2000);
    client.dropResponses = true;
    // Last response at 2000 ms: deadline 5000 ms, reaped by the 6000 ms deadline tick.
    await clock.advance(3999);
    expect(sub.closed).toBe(false);
    await clock.advance(1);
    const g = gaps(client.requestsFor(1n));
    expect(Math.min(...g)).toBeGreaterThanOrEqual(1000);
    // No response for longer than the TTL: the deadline loop closes it within TTL + 1 s.
    expect(sub.closeReason).toEqual({ kind: "deadline" });
    await lessor.close();
  });

  it("cancelling one subscriber affects no other; the last one stops the requests", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 3);
    const a = new AbortController();
    const first = lessor.keepAlive(1n, { signal: a.signal });
    const second = lessor.keepAlive(1n);
    await clock.advance(1500);
    a.abort();
    expect(first.closeReason).toEqual({ kind: "cancelled" });
    expect(second.closed).toBe(false);
    const before = second.buffered;
    await clock.advance(3000);
    expect(second.buffered).toBeGreaterThan(before);
    second.cancel();
    second.cancel();
    expect(second.closeReason).toEqual({ kind: "cancelled" });
    const sent = client.requestsFor(1n).length;
    await clock.advance(10_000);
    expect(client.requestsFor(1n).length).toBe(sent);
    expect(lessor.stats()).toMatchObject({ leases: 0, subscribers: 0 });
    await lessor.close();
  });

  it("re-subscribing right after cancelling does not raise the request rate", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 3);
    for (let i = 0; i < 20; i++) {
      const sub = lessor.keepAlive(1n);
      await clock.advance(250);
      sub.cancel();
    }
    const g = gaps(client.requestsFor(1n));
    expect(g.length).toBeGreaterThan(2);
    expect(Math.min(...g)).toBeGreaterThanOrEqual(1000);
    await lessor.close();
  });

  it("closes every subscriber of a revoked lease (TTL 0) after delivering what was buffered", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 3);
    const a = lessor.keepAlive(1n);
    const b = lessor.keepAlive(1n);
    await clock.advance(100);
    client.leasesById.delete(1n);
    await clock.advance(3000);
    expect(a.closeReason).toEqual({ kind: "expired" });
    expect(b.closeReason).toEqual({ kind: "expired" });
    expect(await drain(a)).toBe(1);
    const sent = client.requests.length;
    await clock.advance(5000);
    expect(client.requests.length).toBe(sent);
    await lessor.close();
  });

  it("closes a subscriber whose first response never comes after the first-keep-alive timeout", async () => {
    const { clock, client, lessor } = world({ firstKeepAliveTimeoutMs: 2000 });
    client.dropResponses = true;
    const sub = lessor.keepAlive(7n);
    await clock.advance(2000);
    expect(sub.closed).toBe(false);
    await clock.advance(1000);
    expect(sub.closeReason).toEqual({ kind: "deadline" });
    await lessor.close();
  });

  it("survives transient stream errors: reopens after 500 ms and keeps every subscriber", async () => {
    const { clock, client, lessor, logger } = world();
    client.addLease(1n, 3);
    const plain = lessor.keepAlive(1n);
    const leader = lessor.keepAlive(1n, { requireLeader: true });
    await clock.advance(700);
    client.failStreams(new FakeStatusError(GrpcCode.UNAVAILABLE, "transport is closing"));
    expect(lessor.stats().streamOpen).toBe(false);
    await clock.advance(499);
    expect(client.streams.length).toBe(1);
    await clock.advance(1);
    expect(client.streams.length).toBe(2);
    expect(client.streams[1]?.metadata.hasleader).toEqual(["true"]);
    await clock.advance(10_000);
    expect(plain.closed).toBe(false);
    expect(leader.closed).toBe(false);
    expect(client.leasesById.has(1n)).toBe(true);
    expect(logger.records.some((r) => r.message.includes("stream ended"))).toBe(true);
    await lessor.close();
  });

  it("on no-leader closes only require-leader subscribers; the others keep going", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 5);
    client.addLease(2n, 5);
    const plain = lessor.keepAlive(1n);
    const leader = lessor.keepAlive(1n, { requireLeader: true });
    const onlyLeader = lessor.keepAlive(2n, { requireLeader: true });
    await clock.advance(700);
    client.openError = new FakeStatusError(GrpcCode.UNAVAILABLE, EtcdMessage.noLeader);
    client.failStreams(new FakeStatusError(GrpcCode.UNAVAILABLE, EtcdMessage.noLeader));
    expect(leader.closeReason?.kind).toBe("no-leader");
    expect(leader.error?.message).toBe(EtcdMessage.noLeader);
    expect(onlyLeader.closeReason?.kind).toBe("no-leader");
    expect(plain.closed).toBe(false);
    await clock.advance(2000);
    client.openError = undefined;
    const sent2 = client.requestsFor(2n).length;
    await clock.advance(3000);
    expect(plain.closed).toBe(false);
    // Lease 2 has no subscriber left: no more requests for it.
    expect(client.requestsFor(2n).length).toBe(sent2);
    expect(client.requestsFor(1n).length).toBeGreaterThan(2);
    await lessor.close();
  });

  it("after close: every subscription halted, keepAlive returns a closed subscription, nothing left", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 3);
    const sub = lessor.keepAlive(1n);
    await clock.advance(1000);
    const pendingReceive = (async () => {
      for (let i = 0; i < 100; i++) if ((await sub.receive()) === undefined) return i;
      return -1;
    })();
    await lessor.close();
    await lessor.close();
    expect(sub.closeReason?.kind).toBe("halted");
    expect(await pendingReceive).toBeGreaterThanOrEqual(0);
    const late = lessor.keepAlive(1n);
    expect(late.closed).toBe(true);
    expect(late.error).toBeInstanceOf(KeepAliveHaltedError);
    expect((late.error as KeepAliveHaltedError).reason.message).toBe("lessor closed");
    expect(clock.pending()).toBe(0);
    expect(client.openStreams()).toBe(0);
    expect(lessor.stats()).toMatchObject({
      subscribers: 0,
      leases: 0,
      streamOpen: false,
      pendingCalls: 0,
    });
    await expect(lessor.grant(5)).rejects.toMatchObject({ code: "CLOSED" });
  });

  it("keepAlive with an already aborted signal returns a closed subscription and schedules nothing", async () => {
    const { clock, lessor } = world();
    const sub = lessor.keepAlive(1n, { signal: AbortSignal.abort() });
    expect(sub.closeReason).toEqual({ kind: "cancelled" });
    expect(clock.pending()).toBe(0);
    await lessor.close();
  });

  it("an idle lessor owns no timer, and close resolves at once", async () => {
    const { clock, lessor } = world();
    expect(clock.pending()).toBe(0);
    await lessor.close();
  });

  it("supports await using", async () => {
    const clock = new TestClock();
    const client = new FakeLeaseClient(clock);
    {
      await using lessor = new Lessor({ client, clock });
      lessor.keepAlive(1n);
      await clock.advance(10);
    }
    expect(clock.pending()).toBe(0);
    expect(client.openStreams()).toBe(0);
  });

  it("iterates responses and ends after close", async () => {
    const { clock, client, lessor } = world();
    client.addLease(1n, 3);
    const sub = lessor.keepAlive(1n);
    const seen: number[] = [];
    const reader = (async () => {
      for await (const r of sub) seen.push(r.TTL);
    })();
    await clock.advance(5000);
    await lessor.close();
    await reader;
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen.every((t) => t === 3)).toBe(true);
    expect(await sub.whenClosed()).toMatchObject({ kind: "halted" });
  });
});
