import {
  EMPTY_HEADER,
  type LeaseCallOptions,
  type LeaseClient,
  type LeaseKeepAliveCallOptions,
  type LeaseKeepAliveListener,
} from "@dsim/core";
import { describe, expect, it } from "vitest";
import { ListenerAuditLeaseClient } from "../../../src/suites/lease/listener-audit-lease-client.js";

const metadata = {};
const header = EMPTY_HEADER;

/** A client whose unary calls answer when told, optionally leaving their abort listener behind. */
function fakeClient(leak: { unary: boolean }) {
  const answers: (() => void)[] = [];
  const streams: LeaseKeepAliveListener[] = [];
  const unary = <T>(options: LeaseCallOptions, value: T): Promise<T> =>
    new Promise<T>((resolve) => {
      const onAbort = (): void => {};
      options.signal.addEventListener("abort", onAbort, { once: true });
      answers.push(() => {
        if (!leak.unary) options.signal.removeEventListener("abort", onAbort);
        resolve(value);
      });
    });
  const client: LeaseClient = {
    grant: (request, options) => unary(options, { header, ID: request.ID, TTL: 10, error: "" }),
    revoke: (_request, options) => unary(options, { header }),
    timeToLive: (request, options) =>
      unary(options, { header, ID: request.ID, TTL: 1, grantedTTL: 10, keys: [] }),
    leases: (options) => unary(options, { header, leases: [] }),
    keepAlive: (options: LeaseKeepAliveCallOptions) => {
      const onAbort = (): void => {};
      options.signal.addEventListener("abort", onAbort, { once: true });
      streams.push({
        onResponse: options.listener.onResponse,
        onEnd: (error) => {
          options.signal.removeEventListener("abort", onAbort);
          options.listener.onEnd(error);
        },
      });
      return { send: () => true, closeSend: () => {} };
    },
  };
  return { client, answers, streams };
}

/** Lets the promise jobs of settled calls run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("ListenerAuditLeaseClient", () => {
  it("reports a listener left on a per-call signal once its unary call settled and all is quiet", async () => {
    const fake = fakeClient({ unary: true });
    const audit = new ListenerAuditLeaseClient(fake.client);
    const call = audit.grant(
      { TTL: 10, ID: 0n },
      { signal: new AbortController().signal, metadata },
    );
    expect(audit.check(false)).toBeUndefined();
    fake.answers[0]?.();
    await call;
    await flush();
    // While the lessor has a call pending, that call may legitimately listen on the same signal.
    expect(audit.check(false)).toBeUndefined();
    expect(audit.check(true)?.invariant).toBe("lease.no-listeners-left-on-signals");
  });

  it("accepts calls whose listener is removed when they settle", async () => {
    const fake = fakeClient({ unary: false });
    const audit = new ListenerAuditLeaseClient(fake.client);
    const stop = new AbortController().signal;
    const calls = [
      audit.leases({ signal: stop, metadata }),
      audit.timeToLive({ ID: 1n, keys: false }, { signal: stop, metadata }),
      audit.grant({ TTL: 10, ID: 0n }, { signal: new AbortController().signal, metadata }),
    ];
    for (const answer of fake.answers) answer();
    await Promise.all(calls);
    await flush();
    expect(audit.check(true)).toBeUndefined();
  });

  it("judges a signal shared by many calls only when none is in flight and the caller is quiet", async () => {
    const fake = fakeClient({ unary: true });
    const audit = new ListenerAuditLeaseClient(fake.client);
    const stop = new AbortController().signal;
    const first = audit.leases({ signal: stop, metadata });
    const second = audit.leases({ signal: stop, metadata });
    fake.answers[0]?.();
    await first;
    await flush();
    // The second call still holds its listener legitimately; a quiet check must wait for it.
    expect(audit.check(true)).toBeUndefined();
    fake.answers[1]?.();
    await second;
    await flush();
    expect(audit.check(false)).toBeUndefined();
    expect(audit.check(true)?.details).toMatchObject({ calls: 2, listeners: 2 });
  });

  it("leaves listeners that were there before the signal crossed the boundary alone", async () => {
    const fake = fakeClient({ unary: false });
    const audit = new ListenerAuditLeaseClient(fake.client);
    const controller = new AbortController();
    controller.signal.addEventListener("abort", () => {});
    const call = audit.leases({ signal: controller.signal, metadata });
    fake.answers[0]?.();
    await call;
    await flush();
    expect(audit.check(true)).toBeUndefined();
  });

  it("does not judge an open stream's signal, and judges it after the stream ended", async () => {
    const fake = fakeClient({ unary: false });
    const audit = new ListenerAuditLeaseClient(fake.client);
    const signal = new AbortController().signal;
    const ended: (Error | undefined)[] = [];
    audit.keepAlive({
      signal,
      metadata,
      listener: { onResponse: () => {}, onEnd: (error) => ended.push(error) },
    });
    expect(audit.check(true)).toBeUndefined();
    fake.streams[0]?.onEnd(undefined);
    expect(ended).toEqual([undefined]);
    expect(audit.check(true)).toBeUndefined();
    // A listener added to the ended stream's signal afterwards is one left behind.
    signal.addEventListener("abort", () => {});
    expect(audit.check(true)?.invariant).toBe("lease.no-listeners-left-on-signals");
  });
});
