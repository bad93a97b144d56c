import { describe, expect, it } from "vitest";
import {
  ConnectivityState,
  Http2ErrorCode,
  isStatusError,
  jsonCodec,
  Status,
  StatusError,
} from "../../src/conn/index.js";
import { DsimError } from "../../src/errors.js";
import { bytes, echo, setup } from "./harness.js";

const { TRANSIENT_FAILURE, READY } = ConnectivityState;

describe("unary RPCs", () => {
  it("a server status becomes a typed StatusError with details and trailers", async () => {
    const { conn, dialer } = setup();
    dialer.serve = (s) => s.status(Status.NOT_FOUND, "no such lease", { "x-why": ["gone"] });
    const error = await conn.unary(echo, { n: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatusError);
    expect(error).toBeInstanceOf(DsimError);
    expect(error).toMatchObject({
      code: "GRPC_STATUS",
      status: Status.NOT_FOUND,
      details: "no such lease",
      metadata: { "x-why": ["gone"] },
    });
    await conn.close();
  });

  it("metadata reaches the server", async () => {
    const { conn, dialer } = setup();
    await conn.unary(echo, { n: 1 }, { metadata: { hasleader: ["true"] } });
    expect(dialer.transports[0]?.streams[0]?.metadata).toEqual({ hasleader: ["true"] });
    await conn.close();
  });

  it("fail-fast RPCs fail with UNAVAILABLE only in TRANSIENT_FAILURE", async () => {
    const { conn, dialer, clock } = setup();
    dialer.policy = () => "manual";
    const whileConnecting = conn.unary(echo, { n: 1 });
    await clock.advance(1);
    expect(conn.getState()).toBe("CONNECTING");
    dialer.dials[0]?.refuse();
    await expect(whileConnecting).rejects.toMatchObject({ status: Status.UNAVAILABLE });
    expect(conn.getState()).toBe(TRANSIENT_FAILURE);
    await expect(conn.unary(echo, { n: 2 })).rejects.toMatchObject({ status: Status.UNAVAILABLE });
    await conn.close();
  });

  it("an RPC issued while CONNECTING waits and succeeds once READY", async () => {
    const { conn, dialer, clock } = setup();
    dialer.policy = () => "manual";
    const call = conn.unary(echo, { n: 1 });
    await clock.advance(500);
    dialer.dials[0]?.accept();
    await expect(call).resolves.toEqual({ n: 1 });
    await conn.close();
  });

  it("wait-for-ready RPCs queue through TRANSIENT_FAILURE until READY", async () => {
    const { conn, dialer, clock } = setup();
    dialer.policy = () => "refuse";
    const call = conn.unary(echo, { n: 7 }, { waitForReady: true });
    await clock.advance(5_000);
    expect(conn.getState()).not.toBe(READY);
    expect(dialer.dials.length).toBeGreaterThan(2);
    dialer.policy = () => "accept";
    await clock.advance(10_000);
    await expect(call).resolves.toEqual({ n: 7 });
    await conn.close();
  });

  it("deadline: DEADLINE_EXCEEDED while queued and while on the wire (the stream is cancelled)", async () => {
    const { conn, dialer, clock } = setup();
    dialer.policy = () => "refuse";
    const queued = conn.unary(echo, { n: 1 }, { waitForReady: true, deadline: 3_000 });
    const queuedOutcome = queued.catch((e: unknown) => e);
    await clock.advance(3_000);
    expect(await queuedOutcome).toMatchObject({ status: Status.DEADLINE_EXCEEDED });
    dialer.policy = () => "accept";
    dialer.serve = undefined;
    const onWire = conn
      .unary(echo, { n: 2 }, { waitForReady: true, deadline: clock.now() + 60_000 })
      .catch((e: unknown) => e);
    await clock.advance(60_000);
    expect(await onWire).toMatchObject({ status: Status.DEADLINE_EXCEEDED });
    expect(dialer.transports[0]?.streams[0]?.cancelled).toBe(true);
    await expect(conn.unary(echo, { n: 3 }, { deadline: clock.now() })).rejects.toMatchObject({
      status: Status.DEADLINE_EXCEEDED,
    });
    await conn.close();
    expect(clock.pending()).toBe(0);
  });

  it("cancel: CANCELLED, the server sees RST_STREAM(CANCEL), other callers unaffected", async () => {
    const { conn, dialer, clock } = setup();
    dialer.serve = undefined;
    const controller = new AbortController();
    const mine = conn.unary(echo, { n: 1 }, { signal: controller.signal }).catch((e: unknown) => e);
    const other = conn.unary(echo, { n: 2 });
    await clock.advance(1);
    controller.abort();
    expect(await mine).toMatchObject({ status: Status.CANCELLED });
    const streams = dialer.transports[0]?.streams ?? [];
    expect(streams[0]?.cancelled).toBe(true);
    streams[1]?.reply(bytes({ n: 2 }));
    await expect(other).resolves.toEqual({ n: 2 });
    await conn.close();
  });

  it("an RPC that may have run is never re-sent (reset, or connection closed)", async () => {
    const { conn, dialer, clock } = setup();
    dialer.serve = (s) => s.end({ kind: "reset", code: Http2ErrorCode.INTERNAL_ERROR });
    await expect(conn.unary(echo, { n: 1 })).rejects.toMatchObject({ status: Status.INTERNAL });
    dialer.serve = (s) => s.end({ kind: "closed", error: new Error("eof") });
    await expect(conn.unary(echo, { n: 2 })).rejects.toMatchObject({ status: Status.UNAVAILABLE });
    await clock.advance(10);
    const streams = dialer.transports.flatMap((t) => t.streams);
    expect(streams).toHaveLength(2);
    await conn.close();
  });

  it("protocol violations and codec failures are INTERNAL/UNIMPLEMENTED, not crashes", async () => {
    const { conn, dialer } = setup();
    dialer.serve = (s) => s.status(Status.OK);
    await expect(conn.unary(echo, { n: 1 })).rejects.toMatchObject({
      status: Status.UNIMPLEMENTED,
    });
    dialer.serve = (s) => s.reply(new TextEncoder().encode("{not json"));
    await expect(conn.unary(echo, { n: 1 })).rejects.toMatchObject({ status: Status.INTERNAL });
    expect(
      isStatusError(await conn.unary(echo, { n: 1 }).catch((e: unknown) => e), Status.INTERNAL),
    ).toBe(true);
    await conn.close();
  });

  it("invalid call arguments are TypeErrors", async () => {
    const { conn } = setup();
    await expect(conn.unary({ ...echo, path: "" }, { n: 1 })).rejects.toBeInstanceOf(RangeError);
    await expect(
      conn.unary(echo, { n: 1 }, { waitForReady: "yes" as unknown as boolean }),
    ).rejects.toThrow(/options.waitForReady/);
    await expect(conn.unary(echo, { n: 1 }, { deadline: Number.NaN })).rejects.toThrow(
      /options.deadline/,
    );
    await conn.close();
  });
});

describe("bidi streams", () => {
  const keepAlive = {
    path: "/etcdserverpb.Lease/LeaseKeepAlive",
    requestCodec: jsonCodec<{ id: number }>(),
    responseCodec: jsonCodec<{ ttl: number }>(),
  };

  it("sends requests, iterates responses, ends on OK", async () => {
    const { conn, dialer, clock } = setup();
    dialer.serve = undefined;
    const call = await conn.bidi(keepAlive, { metadata: { hasleader: ["true"] } });
    const server = dialer.transports[0]?.streams[0];
    expect(server?.metadata).toEqual({ hasleader: ["true"] });
    expect(call.send({ id: 1 })).toBe(true);
    expect(call.send({ id: 2 })).toBe(true);
    server?.headers();
    server?.message(bytes({ ttl: 10 }));
    server?.message(bytes({ ttl: 9 }));
    const received: number[] = [];
    const reading = (async () => {
      for await (const r of call) received.push(r.ttl);
    })();
    await clock.advance(1);
    server?.status(Status.OK);
    await reading;
    expect(received).toEqual([10, 9]);
    expect(server?.requests).toHaveLength(2);
    expect(call.ended).toBe(true);
    await conn.close();
  });

  it("a non-OK end throws a StatusError from the iteration; break cancels the stream", async () => {
    const { conn, dialer } = setup();
    dialer.serve = undefined;
    const call = await conn.bidi(keepAlive);
    const server = dialer.transports[0]?.streams[0];
    server?.status(Status.UNAVAILABLE, "no leader");
    await expect(
      (async () => {
        for await (const _ of call) {
          /* drain */
        }
      })(),
    ).rejects.toMatchObject({
      status: Status.UNAVAILABLE,
      details: "no leader",
    });
    const second = await conn.bidi(keepAlive);
    const server2 = dialer.transports[0]?.streams[1];
    server2?.message(bytes({ ttl: 5 }));
    for await (const r of second) {
      expect(r.ttl).toBe(5);
      break;
    }
    expect(server2?.cancelled).toBe(true);
    await conn.close();
  });

  it("a refused bidi stream is replayed once on a new connection", async () => {
    const { conn, dialer, clock } = setup();
    dialer.serve = undefined;
    const call = await conn.bidi(keepAlive);
    call.send({ id: 1 });
    dialer.transports[0]?.goaway(0);
    await clock.advance(1);
    call.send({ id: 2 });
    await clock.advance(1);
    const replayed = dialer.transports[1]?.streams[0];
    expect(replayed?.requests.map((b) => new TextDecoder().decode(b))).toEqual([
      '{"id":1}',
      '{"id":2}',
    ]);
    call.cancel();
    await expect(call[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      status: Status.CANCELLED,
    });
    await conn.close();
    expect(clock.pending()).toBe(0);
  });

  it("await using closes a bidi call: the stream is cancelled and the call ends", async () => {
    const { conn, dialer, clock } = setup();
    dialer.serve = undefined;
    {
      await using call = await conn.bidi(keepAlive);
      call.send({ id: 1 });
    }
    expect(dialer.transports[0]?.streams[0]?.cancelled).toBe(true);
    await conn.close();
    expect(clock.pending()).toBe(0);
  });

  it("a dying connection fails the bidi call with UNAVAILABLE", async () => {
    const { conn, dialer } = setup();
    dialer.serve = undefined;
    const call = await conn.bidi(keepAlive);
    dialer.transports[0]?.kill();
    await expect(call[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      status: Status.UNAVAILABLE,
    });
    expect(call.send({ id: 1 })).toBe(false);
    await conn.close();
  });
});
