import { describe, expect, it } from "vitest";
import { ClientConn, ConnectivityState, ManualResolver, Status } from "../../src/conn/index.js";
import { KeepaliveInterval, MAX_KEEPALIVE_TIME_MS } from "../../src/conn/keepalive.js";
import { FakeDialer } from "./fake-transport.js";
import { echo, seededRandom, setup } from "./harness.js";
import { VirtualClock } from "./virtual-clock.js";

const { IDLE, READY, SHUTDOWN } = ConnectivityState;
const MAX_ID = 2 ** 31 - 1;

describe("generation tokens", () => {
  it("a drained transport's late close does not touch the current connection", async () => {
    const { conn, dialer, clock } = setup();
    dialer.serve = undefined;
    const slow = conn.unary(echo, { n: 1 });
    await clock.advance(1);
    const old = dialer.transports[0];
    old?.goaway(MAX_ID);
    dialer.serve = (s) => s.reply(s.requests[0] ?? new Uint8Array());
    await expect(conn.unary(echo, { n: 2 })).resolves.toEqual({ n: 2 });
    expect(conn.getState()).toBe(READY);
    old?.kill(new Error("late reset of the old connection"));
    await expect(slow).rejects.toMatchObject({ status: Status.UNAVAILABLE });
    expect(conn.getState()).toBe(READY);
    await expect(conn.unary(echo, { n: 3 })).resolves.toEqual({ n: 3 });
    expect(dialer.dials).toHaveLength(2);
    await conn.close();
  });

  it("a dial that resolves after its attempt was abandoned is closed, never used", async () => {
    const { conn, dialer, clock } = setup();
    dialer.policy = () => "manual";
    dialer.ignoreAbort = true;
    conn.connect();
    const first = dialer.dials[0];
    await conn.close();
    expect(first?.options.signal.aborted).toBe(true);
    // The sloppy dialer connects anyway: the channel must close that transport at once.
    first?.accept();
    await clock.advance(1);
    expect(conn.getState()).toBe(SHUTDOWN);
    expect(dialer.transports).toHaveLength(1);
    expect(dialer.openTransports()).toBe(0);
  });

  it("a superseded attempt's late success is dropped (idle entry then reconnect)", async () => {
    const { conn, dialer, clock } = setup({
      connectTimeoutMs: 1_000,
      backoff: { initialMs: 1_000, jitter: 0 },
    });
    dialer.policy = () => "manual";
    dialer.ignoreAbort = true;
    conn.connect();
    await clock.advance(1_000); // attempt 1 times out (its signal aborts, the sloppy dial stays pending)
    await clock.advance(1);
    expect(dialer.dials).toHaveLength(2);
    dialer.dials[0]?.accept(); // stale
    await clock.advance(1);
    expect(dialer.openTransports()).toBe(0);
    expect(conn.getState()).toBe("CONNECTING");
    dialer.dials[1]?.accept();
    await clock.advance(1);
    expect(conn.getState()).toBe(READY);
    expect(dialer.openTransports()).toBe(1);
    await conn.close();
  });

  it("a GOAWAY or close that races the dial's resolution never yields READY on a dead transport", async () => {
    const { conn, dialer, clock } = setup();
    dialer.policy = () => "manual";
    conn.connect();
    const transport = dialer.dials[0]?.accept();
    transport?.goaway(0); // delivered before the dial promise's continuation runs
    await clock.advance(1);
    expect(conn.getState()).toBe("TRANSIENT_FAILURE");
    expect(transport?.closed).toBe(true);
    await clock.advance(1_500);
    dialer.dials[1]?.accept();
    await clock.advance(1);
    expect(conn.getState()).toBe(READY);
    await conn.close();
  });
});

describe("idle timeout", () => {
  it("after idleTimeoutMs without RPCs the channel goes IDLE and closes its connection", async () => {
    const { conn, dialer, clock } = setup({ idleTimeoutMs: 60_000 });
    await conn.unary(echo, { n: 1 });
    await clock.advance(30_000);
    await conn.unary(echo, { n: 2 });
    await clock.advance(59_000);
    expect(conn.getState()).toBe(READY);
    await clock.advance(1_000);
    expect(conn.getState()).toBe(IDLE);
    expect(dialer.openTransports()).toBe(0);
    expect(clock.pending()).toBe(0);
    await expect(conn.unary(echo, { n: 3 })).resolves.toEqual({ n: 3 });
    expect(dialer.dials).toHaveLength(2);
    await conn.close();
  });

  it("an active call keeps the channel out of IDLE", async () => {
    const { conn, dialer, clock } = setup({ idleTimeoutMs: 1_000 });
    dialer.serve = undefined;
    const call = conn.unary(echo, { n: 1 });
    await clock.advance(10_000);
    expect(conn.getState()).toBe(READY);
    dialer.transports[0]?.streams[0]?.reply(new TextEncoder().encode('{"n":1}'));
    await call;
    await clock.advance(1_000);
    expect(conn.getState()).toBe(IDLE);
    await conn.close();
  });
});

describe("keepalive", () => {
  it("an unanswered ping closes the connection after keepalive.timeoutMs (blackhole detection)", async () => {
    const { conn, dialer, clock } = setup({ keepalive: { timeMs: 5_000, timeoutMs: 2_000 } });
    dialer.serve = undefined;
    const call = conn.unary(echo, { n: 1 }).catch((e: unknown) => e);
    await clock.advance(1);
    const t = dialer.transports[0];
    if (t !== undefined) t.pingMode = "hang";
    await clock.advance(5_000);
    expect(t?.pings).toBe(1);
    expect(t?.closed).toBe(false);
    await clock.advance(2_000);
    expect(t?.closed).toBe(true);
    expect(await call).toMatchObject({ status: Status.UNAVAILABLE });
    expect(conn.getState()).toBe(IDLE);
    await conn.close();
    expect(clock.pending()).toBe(0);
  });

  it("without permitWithoutCalls no ping is sent while no RPC is active", async () => {
    const { conn, dialer, clock } = setup({ keepalive: { timeMs: 1_000 } });
    await conn.unary(echo, { n: 1 });
    await clock.advance(60_000);
    expect(dialer.transports[0]?.pings).toBe(0);
    await conn.close();
  });

  it("the interval doubles monotonically and stops at the cap", () => {
    const interval = new KeepaliveInterval(1_000);
    let last = interval.timeMs;
    for (let i = 0; i < 40; i++) {
      interval.backOff();
      expect(interval.timeMs).toBeGreaterThanOrEqual(last);
      last = interval.timeMs;
    }
    expect(last).toBe(MAX_KEEPALIVE_TIME_MS);
  });
});

describe("resolver and balancers", () => {
  it("an address update dials new addresses and drains removed ones; removed are never dialed again", async () => {
    const resolver = new ManualResolver(["a:1", "b:1"]);
    const { conn, dialer, clock } = setup({ resolver, balancer: "round_robin" });
    conn.connect();
    await clock.advance(1);
    expect(dialer.dials.map((d) => d.address).sort()).toEqual(["a:1", "b:1"]);
    dialer.serve = undefined;
    const onA = [conn.unary(echo, { n: 1 }), conn.unary(echo, { n: 2 })];
    await clock.advance(1);
    resolver.update(["b:1", "c:1"]);
    await clock.advance(1);
    expect(dialer.dials.map((d) => d.address)).toContain("c:1");
    const a = dialer.transports.find((t) => t.address === "a:1");
    expect(a?.closed).toBe(false);
    for (const s of a?.streams ?? []) s.reply(s.requests[0] ?? new Uint8Array());
    for (const t of dialer.transports)
      for (const s of t.streams) if (!s.ended) s.reply(s.requests[0] ?? new Uint8Array());
    await Promise.all(onA);
    expect(a?.closed).toBe(true);
    const before = dialer.dials.length;
    dialer.serve = (s) => s.reply(s.requests[0] ?? new Uint8Array());
    for (let i = 0; i < 10; i++) await conn.unary(echo, { n: i });
    for (const t of dialer.transports) t.kill();
    for (let i = 0; i < 4; i++) await conn.unary(echo, { n: i });
    expect(dialer.dials.slice(before).every((d) => d.address !== "a:1")).toBe(true);
    resolver.update(["a:1"]);
    await conn.unary(echo, { n: 1 });
    expect(dialer.dials.at(-1)?.address).toBe("a:1");
    await conn.close();
  });

  it("round_robin spreads RPCs over every READY address", async () => {
    const { conn, dialer } = setup({ target: ["a:1", "b:1", "c:1"], balancer: "round_robin" });
    for (let i = 0; i < 9; i++) await conn.unary(echo, { n: i });
    expect(dialer.transports.map((t) => t.streams.length)).toEqual([3, 3, 3]);
    await conn.close();
  });

  it("pick_first tries the addresses in order, one at a time, and sticks to the first READY", async () => {
    const { conn, dialer, clock } = setup({ target: ["a:1", "b:1"] });
    dialer.policy = (address) => (address === "a:1" ? "refuse" : "manual");
    const call = conn.unary(echo, { n: 1 });
    await clock.advance(1);
    expect(dialer.dials.map((d) => d.address)).toEqual(["a:1", "b:1"]);
    dialer.dials[1]?.accept();
    await expect(call).resolves.toEqual({ n: 1 });
    for (let i = 0; i < 5; i++) await conn.unary(echo, { n: i });
    expect(dialer.transports).toHaveLength(1);
    expect(dialer.transports[0]?.streams).toHaveLength(6);
    await conn.close();
  });

  it("pick_first reconnects a drained first address even while a later one hangs (found by the conn suite)", async () => {
    const { conn, dialer, clock } = setup({ target: ["a:1", "b:1"] });
    dialer.policy = (address) => (address === "a:1" ? "refuse" : "manual");
    conn.connect();
    await clock.advance(1);
    expect(dialer.dials.map((d) => d.address)).toEqual(["a:1", "b:1"]); // b hangs (blackhole)
    dialer.policy = () => "accept";
    await clock.advance(1_500); // a's backoff ends: a reconnects and is selected
    expect(conn.getState()).toBe(READY);
    dialer.transports[0]?.goaway(MAX_ID);
    await expect(conn.unary(echo, { n: 1 }, { deadline: clock.now() + 1_000 })).resolves.toEqual({
      n: 1,
    });
    expect(dialer.dials.filter((d) => d.address === "a:1")).toHaveLength(3);
    await conn.close();
  });

  it("an empty address list fails fast RPCs with UNAVAILABLE", async () => {
    const { conn } = setup({ target: [] });
    await expect(conn.unary(echo, { n: 1 })).rejects.toMatchObject({ status: Status.UNAVAILABLE });
    expect(conn.getState()).toBe("TRANSIENT_FAILURE");
    await conn.close();
  });
});

describe("options", () => {
  const clock = new VirtualClock();
  const base = { dialer: new FakeDialer(clock), clock, random: seededRandom(1), target: "a:1" };
  it.each([
    [{ ...base, target: undefined }, TypeError, /exactly one of "target" and "resolver"/],
    [{ ...base, resolver: new ManualResolver() }, TypeError, /exactly one/],
    [{ ...base, dialer: {} }, TypeError, /dialer.dial/],
    [{ ...base, clock: { now: (): number => 0 } }, TypeError, /clock.setTimeout/],
    [{ ...base, balancer: "random" }, TypeError, /balancer/],
    [{ ...base, idleTimeoutMs: -1 }, RangeError, /idleTimeoutMs/],
    [{ ...base, connectTimeoutMs: 0 }, RangeError, /connectTimeoutMs/],
    [{ ...base, keepalive: { timeMs: 0 } }, RangeError, /keepalive.timeMs/],
    [
      { ...base, keepalive: { timeMs: 10, permitWithoutCalls: 1 } },
      TypeError,
      /keepalive.permitWithoutCalls/,
    ],
    [{ ...base, backoff: { multiplier: 0.5 } }, RangeError, /backoff.multiplier/],
    [{ ...base, backoff: { jitter: 1 } }, RangeError, /backoff.jitter|jitter/],
  ])("rejects %#", (options, Ctor, message) => {
    expect(() => new ClientConn(options as never)).toThrow(Ctor);
    expect(() => new ClientConn(options as never)).toThrow(message);
  });
});
