import { Http2ErrorCode, sleep } from "@dsim/core";
import { fc } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { isGrpcTransportError } from "../../src/grpc/errors.js";
import { MAX_STREAM_ID } from "../../src/grpc/frames.js";
import type { GrpcServer } from "../../src/grpc/server.js";
import {
  bytes,
  closeAndCheckLeaks,
  dialReady,
  startUnary,
  streamListener,
  track,
  transportListener,
  world,
} from "./helpers.js";

/** A unary method that takes 100 ms of virtual time (and gives up when its call is cancelled). */
function addSlowEcho(server: GrpcServer): void {
  server.addUnaryHandler("/a.A/Slow", async (request, ctx) => {
    await sleep(ctx.clock, 100, ctx.signal);
    return request;
  });
}

describe("GOAWAY", () => {
  it("graceful two-phase: kills nothing, even a stream in flight during the heads-up, then closes", async () => {
    const { sim, server, dialer } = world();
    addSlowEcho(server);
    server.start();
    const listener = transportListener();
    const transport = await dialReady(sim, dialer, listener);
    const early = [
      startUnary(transport, "/a.A/Slow", bytes("1")),
      startUnary(transport, "/a.A/Slow", bytes("3")),
    ];
    await sim.runFor(5);
    // This stream's HEADERS are still on the wire when the heads-up GOAWAY leaves the server.
    const inFlight = startUnary(transport, "/a.A/Slow", bytes("5"));
    server.goaway({ mode: "graceful" });
    await sim.runUntil(() => listener.goaways.length === 1);
    expect(listener.goaways[0]).toEqual({
      lastStreamId: MAX_STREAM_ID,
      code: Http2ErrorCode.NO_ERROR,
      debug: "",
    });
    expect(transport.draining).toBe(true);
    expect(transport.activeStreams).toBe(3);
    expect(() => startUnary(transport, "/a.A/Slow", bytes("7"))).toThrow(/GOAWAY/);
    await sim.runUntil(() => listener.goaways.length === 2);
    expect(listener.goaways[1]).toEqual({
      lastStreamId: 5,
      code: Http2ErrorCode.NO_ERROR,
      debug: "",
    });
    expect(listener.closes).toEqual([]);
    await sim.runUntil(() => listener.closes.length === 1);
    for (const call of [...early, inFlight]) {
      expect(call.listener.end).toMatchObject({ kind: "status", code: 0 });
    }
    expect(listener.closes).toEqual([undefined]);
    expect(server.stats.goawaysSent.map((g) => g.lastStreamId)).toEqual([MAX_STREAM_ID, 5]);
    expect(server.stats.streams.map((s) => s.streamId)).toEqual([1, 3, 5]);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("graceful: streams that outlive the grace period are closed with the connection", async () => {
    const { sim, server, dialer } = world(7, { gracePeriodMs: 1000 });
    let aborted = false;
    server.addBidiHandler("/w.W/Watch", async (call) => {
      await new Promise<void>((resolve) => call.signal.addEventListener("abort", () => resolve()));
      aborted = true;
    });
    server.start();
    const listener = transportListener();
    const transport = await dialReady(sim, dialer, listener);
    const stream = streamListener();
    transport.openStream({ method: "/w.W/Watch", metadata: {}, listener: stream });
    await sim.runFor(5);
    const start = sim.now();
    server.goaway({ mode: "graceful" });
    await sim.runUntil(() => listener.closes.length === 1);
    expect(sim.now() - start).toBeGreaterThanOrEqual(1000);
    expect(sim.now() - start).toBeLessThan(1100);
    expect(stream.end?.kind).toBe("closed");
    expect(aborted).toBe(true);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("immediate: streams above last-stream-id are refused, the others die with the connection", async () => {
    const { sim, server, dialer } = world();
    addSlowEcho(server);
    server.start();
    const listener = transportListener();
    const transport = await dialReady(sim, dialer, listener);
    const processed = [
      startUnary(transport, "/a.A/Slow", bytes("1")),
      startUnary(transport, "/a.A/Slow", bytes("3")),
    ];
    await sim.runFor(5);
    const notProcessed = startUnary(transport, "/a.A/Slow", bytes("5"));
    server.goaway({ mode: "immediate", code: Http2ErrorCode.NO_ERROR, debug: "shutting down" });
    await sim.runUntil(() => listener.closes.length === 1);
    expect(listener.goaways).toEqual([{ lastStreamId: 3, code: 0, debug: "shutting down" }]);
    expect(notProcessed.listener.end?.kind).toBe("refused");
    for (const call of processed) expect(call.listener.end?.kind).toBe("closed");
    expect(server.stats.streams.map((s) => s.streamId)).toEqual([1, 3]);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("the server never sends an increasing last-stream-id", async () => {
    const { sim, server, dialer } = world();
    server.start();
    const listener = transportListener();
    await dialReady(sim, dialer, listener);
    server.injectGoaway({ lastStreamId: 0 });
    server.goaway({ mode: "graceful" });
    await sim.runUntil(() => listener.closes.length === 1);
    expect(server.stats.goawaysSent.map((g) => g.lastStreamId)).toEqual([0, 0, 0]);
    expect(listener.goaways.map((g) => g.lastStreamId)).toEqual([0, 0, 0]);
    expect(listener.closes).toEqual([undefined]);
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("an increasing last-stream-id is a protocol error: the client closes with PROTOCOL_ERROR (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 6 }),
        async (ids) => {
          const { sim, server, dialer } = world(3);
          server.start();
          const listener = transportListener();
          await dialReady(sim, dialer, listener);
          for (const id of ids) server.injectGoaway({ lastStreamId: id });
          await sim.runFor(20);
          const firstIncrease = ids.findIndex(
            (id, i) => i > 0 && id > Math.min(...ids.slice(0, i)),
          );
          if (firstIncrease < 0) {
            expect(listener.goaways.map((g) => g.lastStreamId)).toEqual(ids);
            expect(listener.closes).toEqual([]);
          } else {
            expect(listener.goaways.map((g) => g.lastStreamId)).toEqual(
              ids.slice(0, firstIncrease),
            );
            expect(listener.closes).toHaveLength(1);
            expect(isGrpcTransportError(listener.closes[0], "protocol-error")).toBe(true);
            await sim.runUntil(() => server.stats.goawaysReceived === 1);
          }
          expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
            timers: 0,
            owners: [],
            connections: 0,
          });
        },
      ),
      { seed: 42, numRuns: 30 },
    );
  });

  it("too_many_pings: a client pinging faster than the policy gets GOAWAY(ENHANCE_YOUR_CALM)", async () => {
    const { sim, server, dialer } = world(7, {
      pingPolicy: { minPingIntervalMs: 1000, permitWithoutStream: true },
    });
    server.start();
    const listener = transportListener();
    const transport = await dialReady(sim, dialer, listener);
    let pings = 0;
    while (listener.closes.length === 0 && pings < 20) {
      const ping = track(transport.ping(new AbortController().signal));
      pings += 1;
      await sim.runUntil(() => ping.settled);
      await sim.runFor(100);
    }
    expect(pings).toBe(4); // first ping free, then three strikes (> maxPingStrikes = 2)
    expect(listener.goaways).toEqual([
      { lastStreamId: 0, code: Http2ErrorCode.ENHANCE_YOUR_CALM, debug: "too_many_pings" },
    ]);
    expect(isGrpcTransportError(listener.closes[0], "goaway")).toBe(true);
    expect(server.stats.goawaysSent).toMatchObject([
      { code: Http2ErrorCode.ENHANCE_YOUR_CALM, debug: "too_many_pings" },
    ]);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("pings at the allowed interval never provoke too_many_pings", async () => {
    const { sim, server, dialer } = world(7, {
      pingPolicy: { minPingIntervalMs: 1000, permitWithoutStream: true },
    });
    server.start();
    const listener = transportListener();
    const transport = await dialReady(sim, dialer, listener);
    for (let i = 0; i < 10; i++) {
      const ping = track(transport.ping(new AbortController().signal));
      await sim.runUntil(() => ping.settled);
      expect(ping.error).toBeUndefined();
      await sim.runFor(1000);
    }
    expect(listener.goaways).toEqual([]);
    expect(server.stats.pingsReceived).toBe(10);
    const at = server.stats.pings.map((p) => p.at);
    expect(
      at
        .slice(1)
        .map((t, i) => t - (at[i] ?? 0))
        .every((gap) => gap >= 1000),
    ).toBe(true);
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("goaway mode too_many_pings can also be injected directly", async () => {
    const { sim, server, dialer } = world();
    server.start();
    const listener = transportListener();
    await dialReady(sim, dialer, listener);
    server.goaway({ mode: "too_many_pings" });
    await sim.runUntil(() => listener.closes.length === 1);
    expect(listener.goaways).toEqual([
      { lastStreamId: 0, code: Http2ErrorCode.ENHANCE_YOUR_CALM, debug: "too_many_pings" },
    ]);
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("max connection age (gRFC A9): the server sheds old connections gracefully, with seeded jitter", async () => {
    const { sim, server, dialer } = world(11, { maxConnectionAgeMs: 10_000 });
    addSlowEcho(server);
    server.start();
    const listener = transportListener();
    const transport = await dialReady(sim, dialer, listener);
    const opened = sim.now();
    await sim.runFor(8_950);
    expect(listener.goaways).toEqual([]);
    const call = startUnary(transport, "/a.A/Slow", bytes("1"));
    await sim.runUntil(() => listener.goaways.length > 0, { timeoutMs: 5_000 });
    const age = sim.now() - opened;
    expect(age).toBeGreaterThanOrEqual(9_000);
    expect(age).toBeLessThanOrEqual(11_010);
    expect(listener.goaways[0]).toEqual({ lastStreamId: MAX_STREAM_ID, code: 0, debug: "" });
    await sim.runUntil(() => listener.closes.length === 1);
    expect(listener.goaways[1]).toMatchObject({ debug: "max_age" });
    expect(call.listener.end).toMatchObject({ kind: "status", code: 0 });
    expect(listener.closes).toEqual([undefined]);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });
});
