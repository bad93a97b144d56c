import { describe, expect, it } from "vitest";
import { Status } from "../../src/conn/index.js";
import {
  EMPTY_HEADER,
  GrpcLeaseClient,
  LeaseMethod,
  LeaseNotFoundError,
  Lessor,
  leaseKeepAliveRequestCodec,
  leaseKeepAliveResponseCodec,
} from "../../src/lease/index.js";
import type { FakeStream } from "../conn/fake-transport.js";
import { setup } from "../conn/harness.js";

/**
 * A keep-alive server on core's fake transport: answers every request it has not answered yet
 * with `ttlOf(id)` (0: unknown lease). Called from the test between clock steps, because the fake
 * stream records requests without a callback.
 */
function answerKeepAlives(streams: readonly FakeStream[], ttlOf: (id: bigint) => number): void {
  for (const stream of streams) {
    if (stream.method !== LeaseMethod.keepAlive || stream.ended) continue;
    const answered = answeredCount.get(stream) ?? 0;
    if (answered === 0 && stream.requests.length > 0) stream.headers();
    for (const bytes of stream.requests.slice(answered)) {
      const { ID } = leaseKeepAliveRequestCodec.decode(bytes);
      stream.message(
        leaseKeepAliveResponseCodec.encode({ header: EMPTY_HEADER, ID, TTL: ttlOf(ID) }),
      );
    }
    answeredCount.set(stream, stream.requests.length);
  }
}
const answeredCount = new WeakMap<FakeStream, number>();

function world() {
  const harness = setup();
  // The fake dialer's default server echoes unary calls; keep-alive streams are answered by hand.
  harness.dialer.serve = undefined;
  const lessor = new Lessor({ client: new GrpcLeaseClient(harness.conn), clock: harness.clock });
  const streams = (): FakeStream[] => harness.dialer.transports.flatMap((t) => t.streams);
  return { ...harness, lessor, streams };
}

/** Settles `promise` by stepping the virtual clock, answering keep-alives at every step. */
async function settle<T>(
  w: ReturnType<typeof world>,
  promise: Promise<T>,
  ttlOf: (id: bigint) => number,
): Promise<{ value: T } | { error: unknown } | undefined> {
  let out: { value: T } | { error: unknown } | undefined;
  promise.then(
    (value) => {
      out = { value };
    },
    (error: unknown) => {
      out = { error };
    },
  );
  for (let step = 0; step < 40 && out === undefined; step += 1) {
    await w.clock.advance(50);
    answerKeepAlives(w.streams(), ttlOf);
  }
  return out;
}

describe("GrpcLeaseClient keep-alive stream over core's ClientConn", () => {
  it("queues a request sent before the stream is open and flushes it in order on open", async () => {
    const w = world();
    const ended: (Error | undefined)[] = [];
    const stream = new GrpcLeaseClient(w.conn).keepAlive({
      signal: new AbortController().signal,
      metadata: {},
      listener: { onResponse: () => {}, onEnd: (error) => ended.push(error) },
    });
    // Not open yet: the channel still has to dial. Regression: this used to return false.
    expect(stream.send({ ID: 7n })).toBe(true);
    expect(stream.send({ ID: 8n })).toBe(true);
    await w.clock.advance(10);
    const server = w.streams()[0];
    expect(server?.requests.map((b) => leaseKeepAliveRequestCodec.decode(b).ID)).toEqual([7n, 8n]);
    stream.closeSend();
    expect(stream.send({ ID: 9n })).toBe(false);
    server?.status(Status.OK);
    await w.clock.advance(10);
    expect(ended).toEqual([undefined]);
    expect(stream.send({ ID: 9n })).toBe(false);
    await w.conn.close();
  });

  it("drops queued requests when the stream is cancelled before it opens", async () => {
    const w = world();
    w.dialer.policy = () => "manual";
    const abort = new AbortController();
    const ended: (Error | undefined)[] = [];
    const stream = new GrpcLeaseClient(w.conn).keepAlive({
      signal: abort.signal,
      metadata: {},
      listener: { onResponse: () => {}, onEnd: (error) => ended.push(error) },
    });
    expect(stream.send({ ID: 7n })).toBe(true);
    abort.abort();
    await w.clock.advance(10);
    expect(ended).toHaveLength(1);
    expect(stream.send({ ID: 7n })).toBe(false);
    w.dialer.dials[0]?.accept();
    await w.clock.advance(10);
    expect(w.streams()).toHaveLength(0);
    await w.conn.close();
  });

  it("Lessor.keepAliveOnce completes (regression: it retried forever on a stream not open yet)", async () => {
    const w = world();
    const live = await settle(w, w.lessor.keepAliveOnce(5n), (id) => (id === 5n ? 9 : 0));
    expect(live).toMatchObject({ value: { ID: 5n, TTL: 9 } });
    // One stream, one request: no UNAVAILABLE retry loop.
    expect(w.streams().filter((s) => s.method === LeaseMethod.keepAlive)).toHaveLength(1);
    const gone = await settle(w, w.lessor.keepAliveOnce(6n), (id) => (id === 5n ? 9 : 0));
    expect(gone).toMatchObject({ error: expect.any(LeaseNotFoundError) });
    expect(w.lessor.stats().pendingCalls).toBe(0);
    await w.lessor.close();
    await w.conn.close();
  });

  it("the shared keep-alive stream sends a new lease's first request as soon as it opens", async () => {
    const w = world();
    const sub = w.lessor.keepAlive(5n);
    await w.clock.advance(10);
    const server = w.streams().find((s) => s.method === LeaseMethod.keepAlive);
    expect(server?.requests).toHaveLength(1);
    expect(w.lessor.stats().requestsSent).toBe(1);
    sub.cancel();
    await w.lessor.close();
    await w.conn.close();
  });
});
