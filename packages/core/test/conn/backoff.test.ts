import { describe, expect, it } from "vitest";
import { ConnectivityState } from "../../src/conn/index.js";
import { setup } from "./harness.js";
import { flush } from "./virtual-clock.js";

const { READY, TRANSIENT_FAILURE } = ConnectivityState;

/** b_k of the spec with the default constants. */
const base = (k: number): number => Math.min(1000 * 1.6 ** k, 120_000);

describe("connection backoff", () => {
  it("refused attempts are spaced within [0.8·b_k, 1.2·b_k] and never hot-loop", async () => {
    const { conn, dialer, clock, illegalTransitions } = setup();
    dialer.policy = () => "refuse";
    conn.connect();
    await clock.advance(30 * 60_000);
    const times = dialer.dials.map((d) => d.at);
    expect(times.length).toBeGreaterThan(10);
    for (let k = 0; k + 1 < times.length; k++) {
      const gap = (times[k + 1] ?? 0) - (times[k] ?? 0);
      expect(gap, `gap ${k}`).toBeGreaterThanOrEqual(0.8 * base(k) - 1e-6);
      expect(gap, `gap ${k}`).toBeLessThanOrEqual(1.2 * base(k) + 1e-6);
    }
    // Jitter: not all gaps sit exactly on b_k.
    const onBase = times.slice(1).filter((t, k) => Math.abs(t - (times[k] ?? 0) - base(k)) < 1e-9);
    expect(onBase.length).toBeLessThan(times.length - 1);
    expect(illegalTransitions()).toEqual([]);
    expect(dialer.inFlight()).toBe(0);
    await conn.close();
  });

  it("backoff resets only when SETTINGS arrive (dial resolved), not after failed attempts", async () => {
    const { conn, dialer, clock } = setup();
    dialer.policy = () => "refuse";
    conn.connect();
    await clock.advance(10_000); // attempts at ~0, ~1, ~2.6, ~5.2, ~9.3 s
    const failed = dialer.dials.length;
    expect(failed).toBeGreaterThanOrEqual(4);
    // The next attempt succeeds; the server then drops the connection.
    dialer.policy = () => "accept";
    await clock.advance(60_000);
    expect(conn.getState()).toBe(READY);
    const transport = dialer.transports[0];
    dialer.policy = () => "refuse";
    transport?.kill();
    conn.connect();
    const resetAt = clock.now();
    await clock.advance(3_000);
    const after = dialer.dials.filter((d) => d.at >= resetAt).map((d) => d.at - resetAt);
    // Fresh sequence: immediate attempt, then one after b_0 ≈ 1 s (not b_5 ≈ 10 s).
    expect(after[0]).toBe(0);
    expect(after[1]).toBeGreaterThanOrEqual(800);
    expect(after[1]).toBeLessThanOrEqual(1200);
    await conn.close();
  });

  it("a server that accepts TCP but never sends SETTINGS: the attempt ends at max(backoff, 20 s)", async () => {
    const { conn, dialer, clock } = setup();
    dialer.policy = () => "manual";
    conn.connect();
    await clock.advance(19_999);
    expect(dialer.dials[0]?.settled).toBe(false);
    expect(dialer.dials[0]?.options.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(dialer.dials[0]?.options.signal.aborted).toBe(true);
    expect(conn.getState()).toBe(TRANSIENT_FAILURE);
    // b_0 ≤ 1.2 s < 20 s: the backoff is already over, the next attempt starts on the next
    // timer tick (a 0 ms timer fires after 1 ms, as in Node).
    await flush();
    await clock.advance(1);
    expect(dialer.dials).toHaveLength(2);
    expect(dialer.dials[1]?.at).toBe(20_001);
    await conn.close();
  });

  it("the connect deadline follows connectTimeoutMs and a long backoff", async () => {
    const { conn, dialer, clock } = setup({
      connectTimeoutMs: 500,
      backoff: { initialMs: 2000, jitter: 0 },
    });
    dialer.policy = () => "manual";
    conn.connect();
    await clock.advance(1999);
    expect(dialer.dials[0]?.options.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(dialer.dials[0]?.options.signal.aborted).toBe(true);
    await conn.close();
  });

  it("one connection attempt at a time per subchannel, whatever callers do", async () => {
    const { conn, dialer, clock } = setup();
    dialer.policy = () => "manual";
    for (let i = 0; i < 5; i++) {
      conn.connect();
      conn.getState(true);
    }
    const calls = Array.from({ length: 5 }, (_, n) =>
      conn.unary(
        {
          path: "/x",
          requestCodec: { encode: () => new Uint8Array([n]), decode: (b) => b },
          responseCodec: { encode: (b: Uint8Array) => b, decode: (b) => b },
        },
        new Uint8Array(),
        { waitForReady: true },
      ),
    );
    await clock.advance(100);
    expect(dialer.inFlight("server:1")).toBe(1);
    expect(dialer.dials).toHaveLength(1);
    dialer.dials[0]?.accept();
    await Promise.all(calls);
    expect(dialer.dials).toHaveLength(1);
    await conn.close();
  });
});
