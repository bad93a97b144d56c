import { describe, expect, it } from "vitest";
import { Lessor } from "../../src/lease/index.js";
import { FakeLeaseClient } from "./helpers/fake-lease-client.js";
import { TestClock } from "./helpers/test-clock.js";

function world() {
  const clock = new TestClock();
  const client = new FakeLeaseClient(clock);
  const lessor = new Lessor({ client, clock });
  return { clock, client, lessor };
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

async function grant(clock: TestClock, lessor: Lessor, ttl: number): Promise<bigint> {
  const promise = lessor.grant(ttl);
  await clock.advance(1);
  return (await promise).ID;
}

describe("Lessor pacing", () => {
  it("paces a lease it granted at TTL/3 even when the first response is lost, and keeps it", async () => {
    const { clock, client, lessor } = world();
    const id = await grant(clock, lessor, 30);
    client.dropResponses = true;
    const sub = lessor.keepAlive(id);
    await clock.advance(9000);
    client.dropResponses = false;
    await clock.advance(20_000);
    const times = client.requestsFor(id);
    expect(Math.min(...gaps(times))).toBeGreaterThanOrEqual(10_000);
    // The first deadline leaves room for a TTL/3 resend: a lost first response does not end it.
    expect(sub.closed).toBe(false);
    await lessor.close();
  });

  it("a lease of unknown TTL is resent after max(500 ms, first timeout / 3) until it answers", async () => {
    const { clock, client, lessor } = world();
    client.addLease(9n, 30);
    client.dropResponses = true;
    lessor.keepAlive(9n);
    await clock.advance(4000);
    expect(gaps(client.requestsFor(9n))).toEqual([2000, 2000]);
    await lessor.close();
  });

  it("re-subscribing after the lease closed does not renew sooner than TTL/3 after the last request", async () => {
    const { clock, client, lessor } = world();
    const id = await grant(clock, lessor, 6);
    const first = lessor.keepAlive(id);
    await clock.advance(2600);
    client.leasesById.delete(id);
    await clock.advance(2000);
    expect(first.closeReason).toEqual({ kind: "expired" });
    // The lease is back (same ID re-granted elsewhere); a new subscriber comes at once.
    client.addLease(id, 6);
    const second = lessor.keepAlive(id);
    await clock.advance(10_000);
    expect(Math.min(...gaps(client.requestsFor(id)))).toBeGreaterThanOrEqual(2000);
    expect(second.closed).toBe(false);
    await lessor.close();
  });

  it("the bookkeeping holds a bounded number of heap items per lease", async () => {
    const { clock, client, lessor } = world();
    for (let i = 1n; i <= 200n; i++) {
      client.addLease(i, 3 + Number(i % 5n));
      lessor.keepAlive(i);
    }
    await clock.advance(60_000);
    // One live send item and one live deadline item per lease, plus stale items awaiting pop.
    expect(lessor.stats().heapEntries).toBeLessThanOrEqual(4 * 200);
    expect(lessor.stats().leases).toBe(200);
    await lessor.close();
  });
});
