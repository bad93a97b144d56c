import { describe, expect, it } from "vitest";
import { ConnectivityState, Http2ErrorCode, Status } from "../../src/conn/index.js";
import type { FakeStream } from "./fake-transport.js";
import { bytes, echo, setup } from "./harness.js";

const { IDLE, READY } = ConnectivityState;
const MAX_ID = 2 ** 31 - 1;

/** A channel with a held-open server (streams answered by hand), READY, with `n` RPCs in flight. */
async function withInFlight(n: number) {
  const h = setup();
  h.dialer.serve = undefined;
  const calls = Array.from({ length: n }, (_, i) => h.conn.unary(echo, { n: i }));
  const outcomes = calls.map((c) =>
    c.then(
      (v) => ({ ok: v }),
      (e: unknown) => ({ err: e }),
    ),
  );
  await h.clock.advance(1);
  const first = h.dialer.transports[0];
  if (first === undefined) throw new Error("no transport");
  return { ...h, first, outcomes };
}

describe("GOAWAY", () => {
  it("READY → IDLE without reconnecting until an RPC asks", async () => {
    const { conn, dialer, clock, statesOf } = setup();
    await conn.unary(echo, { n: 1 });
    dialer.transports[0]?.goaway(MAX_ID);
    await clock.advance(10 * 60_000);
    expect(conn.getState()).toBe(IDLE);
    expect(dialer.dials).toHaveLength(1);
    expect(statesOf("server:1")).toEqual(["CONNECTING", "READY", "IDLE"]);
    await expect(conn.unary(echo, { n: 2 })).resolves.toEqual({ n: 2 });
    expect(dialer.dials).toHaveLength(2);
    expect(conn.getState()).toBe(READY);
    await conn.close();
  });

  it("no new stream on a draining transport; streams ≤ last-stream-id run to completion", async () => {
    const { conn, dialer, clock, first, outcomes } = await withInFlight(2);
    dialer.serve = (s) => s.reply(s.requests[0] ?? new Uint8Array());
    first.goaway(MAX_ID);
    const later = conn.unary(echo, { n: 9 });
    await clock.advance(1);
    await expect(later).resolves.toEqual({ n: 9 });
    expect(dialer.transports).toHaveLength(2);
    expect(first.streams).toHaveLength(2);
    expect(first.openAttemptsWhileDraining).toBe(0);
    for (const s of first.streams) s.reply(bytes({ n: s.id }));
    const results = await Promise.all(outcomes);
    expect(results).toEqual([{ ok: { n: 1 } }, { ok: { n: 3 } }]);
    // The drained transport is closed by the client once its last stream ended.
    expect(first.closed).toBe(true);
    await conn.close();
  });

  it("streams above last-stream-id are retried transparently once, on a new connection", async () => {
    const { conn, dialer, clock, first, outcomes } = await withInFlight(3);
    dialer.serve = (s) => s.reply(s.requests[0] ?? new Uint8Array());
    first.goaway(1, Http2ErrorCode.NO_ERROR);
    await clock.advance(1);
    first.streams[0]?.reply(bytes({ n: "first" }));
    const results = await Promise.all(outcomes);
    expect(results).toEqual([{ ok: { n: "first" } }, { ok: { n: 1 } }, { ok: { n: 2 } }]);
    const second = dialer.transports[1];
    expect(second?.streams).toHaveLength(2);
    await conn.close();
  });

  it("a refused stream is retried at most once: refused twice → UNAVAILABLE", async () => {
    const { conn, dialer, clock, first, outcomes } = await withInFlight(1);
    dialer.serve = undefined;
    let refusals = 0;
    dialer.onTransport = (t) => {
      t.onHalfClose = (s: FakeStream) => {
        refusals += 1;
        s.end({ kind: "refused", reason: "REFUSED_STREAM" });
      };
    };
    first.goaway(0);
    await clock.advance(1);
    const [result] = await Promise.all(outcomes);
    expect(result).toMatchObject({ err: { status: Status.UNAVAILABLE } });
    expect(refusals).toBe(1);
    expect(first.streams.length + (dialer.transports[1]?.streams.length ?? 0)).toBe(2);
    await conn.close();
  });

  it("a graceful two-phase GOAWAY against a healthy server costs zero failed RPCs", async () => {
    const { conn, dialer, clock, first, outcomes } = await withInFlight(4);
    dialer.serve = (s) => s.reply(s.requests[0] ?? new Uint8Array());
    first.goaway(MAX_ID);
    const during = Array.from({ length: 4 }, (_, i) => conn.unary(echo, { n: 10 + i }));
    await clock.advance(5);
    first.goaway(7);
    for (const s of first.streams) s.reply(s.requests[0] ?? new Uint8Array());
    const results = await Promise.all([
      ...outcomes,
      ...during.map((c) => c.then((ok) => ({ ok }))),
    ]);
    expect(results.every((r) => "ok" in r)).toBe(true);
    expect(first.closed).toBe(true);
    await conn.close();
  });

  it("GOAWAY too_many_pings doubles the keepalive interval for new connections (monotone, capped)", async () => {
    const { conn, dialer, clock } = setup({
      keepalive: { timeMs: 10_000, permitWithoutCalls: true },
    });
    conn.connect();
    await clock.advance(1);
    const t0 = dialer.transports[0];
    await clock.advance(10_000);
    expect(t0?.pings).toBe(1);
    t0?.goaway(MAX_ID, Http2ErrorCode.ENHANCE_YOUR_CALM, "too_many_pings");
    conn.connect();
    await clock.advance(1);
    const t1 = dialer.transports[1];
    // t1 was created at 10 001 ms; its first ping is due 20 s later.
    await clock.advance(19_998);
    expect(t1?.pings).toBe(0);
    await clock.advance(2);
    expect(t1?.pings).toBe(1);
    expect(t0?.pings).toBe(1);
    await conn.close();
  });

  it("a connection that dies without GOAWAY fails its RPCs with UNAVAILABLE and never re-sends", async () => {
    const { conn, dialer, first, outcomes } = await withInFlight(2);
    first.kill(new Error("reset by peer"));
    const results = await Promise.all(outcomes);
    expect(results).toEqual([
      { err: expect.objectContaining({ status: Status.UNAVAILABLE }) },
      { err: expect.objectContaining({ status: Status.UNAVAILABLE }) },
    ]);
    expect(dialer.dials).toHaveLength(1);
    expect(conn.getState()).toBe(IDLE);
    await conn.close();
  });
});
