import { describe, expect, it } from "vitest";
import { ConnectivityState, isSpecTransition } from "../../src/conn/index.js";
import { echo, setup } from "./harness.js";
import { flush } from "./virtual-clock.js";

const { IDLE, CONNECTING, READY, TRANSIENT_FAILURE, SHUTDOWN } = ConnectivityState;

describe("connectivity states", () => {
  it("the spec table: READY never goes back to CONNECTING and SHUTDOWN is terminal", () => {
    expect(isSpecTransition(IDLE, CONNECTING)).toBe(true);
    expect(isSpecTransition(READY, CONNECTING)).toBe(false);
    expect(isSpecTransition(TRANSIENT_FAILURE, IDLE)).toBe(true);
    expect(isSpecTransition(IDLE, READY)).toBe(false);
    for (const to of [IDLE, CONNECTING, READY, TRANSIENT_FAILURE]) {
      expect(isSpecTransition(SHUTDOWN, to)).toBe(false);
    }
  });

  it("starts IDLE and dials nothing until asked", async () => {
    const { conn, dialer, clock } = setup();
    await clock.advance(60_000);
    expect(conn.getState()).toBe(IDLE);
    expect(dialer.dials).toHaveLength(0);
    await conn.close();
  });

  it("getState(true) connects: IDLE → CONNECTING → READY", async () => {
    const { conn, dialer, statesOf } = setup();
    dialer.policy = () => "manual";
    expect(conn.getState(true)).toBe(CONNECTING);
    expect(dialer.dials).toHaveLength(1);
    dialer.dials[0]?.accept();
    await flush();
    expect(conn.getState()).toBe(READY);
    expect(statesOf("channel")).toEqual([CONNECTING, READY]);
    expect(statesOf("server:1")).toEqual([CONNECTING, READY]);
    await conn.close();
  });

  it("waitForStateChange resolves on change and false on abort; SHUTDOWN never changes", async () => {
    const { conn, dialer } = setup();
    dialer.policy = () => "manual";
    const changed = conn.waitForStateChange(IDLE);
    conn.connect();
    await expect(changed).resolves.toBe(true);
    const controller = new AbortController();
    const aborted = conn.waitForStateChange(CONNECTING, controller.signal);
    controller.abort();
    await expect(aborted).resolves.toBe(false);
    await conn.close();
    await expect(conn.waitForStateChange(SHUTDOWN)).resolves.toBe(false);
  });

  it("watchState yields every state in order and ends after SHUTDOWN", async () => {
    const { conn, clock } = setup();
    const seen: string[] = [];
    const done = (async () => {
      for await (const state of conn.watchState()) seen.push(state);
    })();
    conn.connect();
    await clock.advance(1);
    await conn.close();
    await done;
    expect(seen).toEqual([CONNECTING, READY, SHUTDOWN]);
  });

  it("close(): SHUTDOWN is absorbing and nothing is left: no dial, timer, transport", async () => {
    const { conn, dialer, clock, statesOf } = setup({
      keepalive: { timeMs: 1000, permitWithoutCalls: true },
    });
    dialer.policy = () => "accept";
    await expect(conn.unary(echo, { n: 1 })).resolves.toEqual({ n: 1 });
    dialer.serve = undefined;
    const inFlightCall = conn.unary(echo, { n: 2 }, { waitForReady: true });
    await clock.advance(10);
    await conn.close();
    await expect(inFlightCall).rejects.toMatchObject({ code: "GRPC_STATUS" });
    expect(conn.getState()).toBe(SHUTDOWN);
    expect(clock.pending()).toBe(0);
    expect(dialer.openTransports()).toBe(0);
    expect(dialer.inFlight()).toBe(0);
    const dialsBefore = dialer.dials.length;
    conn.connect();
    expect(conn.getState(true)).toBe(SHUTDOWN);
    await expect(conn.unary(echo, { n: 3 })).rejects.toMatchObject({ status: 14 });
    await clock.advance(300_000);
    expect(dialer.dials.length).toBe(dialsBefore);
    expect(statesOf("channel").at(-1)).toBe(SHUTDOWN);
    await conn.close();
  });
});
