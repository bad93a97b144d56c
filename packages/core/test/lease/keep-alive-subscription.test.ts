import { describe, expect, it } from "vitest";
import { SubscriptionSink } from "../../src/lease/keep-alive-subscription.js";
import type { LeaseKeepAliveResponse } from "../../src/lease/lease-messages.js";
import { EMPTY_HEADER } from "../../src/lease/lease-messages.js";

const response = (TTL: number): LeaseKeepAliveResponse => ({ header: EMPTY_HEADER, ID: 1n, TTL });

function sink(capacity = 16): SubscriptionSink {
  return new SubscriptionSink(1n, false, capacity, () => {});
}

describe("KeepAliveSubscription iteration", () => {
  it("yields buffered and later responses, and ends once closed and drained", async () => {
    const s = sink();
    s.offer(response(10));
    const iterator = s.subscription[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ value: response(10), done: false });
    const waiting = iterator.next();
    expect(s.offer(response(9))).toBe(true);
    expect(await waiting).toEqual({ value: response(9), done: false });
    s.offer(response(8));
    s.close({ kind: "expired" });
    expect(await iterator.next()).toEqual({ value: response(8), done: false });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it("steps requested before earlier ones settled resolve in order", async () => {
    const s = sink();
    const iterator = s.subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    const second = iterator.next();
    const third = iterator.next();
    s.offer(response(3));
    s.offer(response(2));
    s.close({ kind: "deadline" });
    expect(await first).toEqual({ value: response(3), done: false });
    expect(await second).toEqual({ value: response(2), done: false });
    expect(await third).toEqual({ value: undefined, done: true });
  });

  it("leaving a loop ends that iteration only; the subscription stays open for another", async () => {
    const s = sink();
    s.offer(response(10));
    s.offer(response(9));
    for await (const r of s.subscription) {
      expect(r.TTL).toBe(10);
      break;
    }
    expect(s.subscription.closed).toBe(false);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const r of s.subscription) seen.push(r.TTL);
    })();
    s.offer(response(8));
    s.close({ kind: "cancelled" });
    await reading;
    expect(seen).toEqual([9, 8]);
  });

  it("a plain receive waits without a signal, and an aborted wait leaves the others in order", async () => {
    const s = sink();
    const abort = new AbortController();
    const first = s.subscription.receive();
    const cancelled = s.subscription.receive(abort.signal);
    const third = s.subscription.receive();
    abort.abort();
    expect(await cancelled).toBeUndefined();
    s.offer(response(7));
    s.offer(response(6));
    expect(await first).toEqual(response(7));
    expect(await third).toEqual(response(6));
  });
});
