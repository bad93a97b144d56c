import { describe, expect, it } from "vitest";
import { isGrpcTransportError } from "../../src/grpc/errors.js";
import {
  bytes,
  closeAndCheckLeaks,
  dialReady,
  startUnary,
  streamListener,
  text,
  track,
  transportListener,
  world,
} from "./helpers.js";

const signal = (): AbortSignal => new AbortController().signal;

describe("grpc server faults", () => {
  it("refuse: dial rejects with reason refused (ECONNREFUSED underneath)", async () => {
    const { sim, server, dialer } = world();
    server.start();
    server.setConnectionMode("refuse");
    const dial = track(
      dialer.dial("server:50051", { signal: signal(), listener: transportListener() }),
    );
    await sim.runUntil(() => dial.settled);
    expect(isGrpcTransportError(dial.error, "refused")).toBe(true);
    expect(((dial.error as Error).cause as { code?: string }).code).toBe("ECONNREFUSED");
    expect(server.stats.connectionsAccepted).toBe(0);
    server.setConnectionMode("normal");
    await dialReady(sim, dialer);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("accept-then-close: TCP is accepted, dial rejects closed-before-settings (also after a delay, also with reset)", async () => {
    const { sim, server, dialer } = world();
    server.start();
    for (const options of [{}, { closeAfterMs: 300 }, { closeAfterMs: 50, reset: true }]) {
      server.setConnectionMode("accept-then-close", options);
      const start = sim.now();
      const dial = track(
        dialer.dial("server:50051", { signal: signal(), listener: transportListener() }),
      );
      await sim.runUntil(() => dial.settled);
      expect(isGrpcTransportError(dial.error, "closed-before-settings")).toBe(true);
      expect(sim.now() - start).toBeGreaterThanOrEqual(options.closeAfterMs ?? 0);
    }
    expect(server.stats.connectionsAccepted).toBe(3);
    expect(server.stats.connectionsClosedBeforeSettings).toBe(3);
    expect(server.stats.accepts.map((a) => [a.peer, a.mode])).toEqual([
      ["client", "accept-then-close"],
      ["client", "accept-then-close"],
      ["client", "accept-then-close"],
    ]);
    expect(server.stats.handshakes).toBe(0);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("blackhole: dial stays pending until its signal aborts, then rejects with the signal's reason", async () => {
    const { sim, server, dialer } = world();
    server.setConnectionMode("blackhole");
    server.start();
    const controller = new AbortController();
    const dial = track(
      dialer.dial("server:50051", { signal: controller.signal, listener: transportListener() }),
    );
    await sim.runFor(60_000);
    expect(dial.settled).toBe(false);
    expect(server.stats.connectionsBlackholed).toBe(1);
    expect(dialer.pendingDials).toBe(1);
    controller.abort(new Error("connect deadline"));
    await sim.runUntil(() => dial.settled);
    expect((dial.error as Error).message).toBe("connect deadline");
    await sim.runUntil(() => server.openConnections === 0);
    expect(dialer.pendingDials).toBe(0);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("an already aborted signal rejects at once; dialer.close() aborts pending dials", async () => {
    const { sim, server, dialer } = world();
    server.setConnectionMode("blackhole");
    server.start();
    const controller = new AbortController();
    controller.abort(new Error("already"));
    const early = track(
      dialer.dial("server:50051", { signal: controller.signal, listener: transportListener() }),
    );
    await sim.settle();
    expect((early.error as Error).message).toBe("already");
    const pending = track(
      dialer.dial("server:50051", { signal: signal(), listener: transportListener() }),
    );
    await sim.runFor(100);
    await dialer.close();
    await sim.runUntil(() => pending.settled);
    expect(isGrpcTransportError(pending.error, "closed")).toBe(true);
    expect(await closeAndCheckLeaks(sim, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("drop responses: the handler runs, the client never hears back until it cancels", async () => {
    const { sim, server, dialer } = world();
    let handled = 0;
    server.addUnaryHandler("/a.A/X", (request) => {
      handled += 1;
      return request;
    });
    server.dropResponses({ method: "/a.A/X", count: 1 });
    server.start();
    const transport = await dialReady(sim, dialer);
    const lost = startUnary(transport, "/a.A/X", bytes("lost"));
    const kept = startUnary(transport, "/a.A/X", bytes("kept"));
    await sim.runUntil(() => kept.listener.end !== undefined);
    await sim.runFor(10_000);
    expect(handled).toBe(2);
    expect(lost.listener.end).toBeUndefined();
    expect(lost.listener.messages).toEqual([]);
    expect(kept.listener.messages.map(text)).toEqual(["kept"]);
    expect(server.stats.responsesDropped).toBe(1);
    lost.stream.cancel();
    expect(lost.listener.end?.kind).toBe("reset");
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("drop responses on a stream drops single messages; drop requests hides messages from the handler", async () => {
    const { sim, server, dialer } = world();
    const seen: string[] = [];
    server.addBidiHandler("/l.L/KeepAlive", async (call) => {
      for await (const message of call.messages) {
        seen.push(text(message));
        call.write(message);
      }
    });
    server.dropResponses({ method: "/l.L/KeepAlive", count: 1 });
    server.dropRequests({ method: "/l.L/KeepAlive", count: 1 });
    server.start();
    const transport = await dialReady(sim, dialer);
    const listener = streamListener();
    const stream = transport.openStream({ method: "/l.L/KeepAlive", metadata: {}, listener });
    for (const word of ["a", "b", "c"]) stream.sendMessage(bytes(word));
    stream.halfClose();
    await sim.runUntil(() => listener.end !== undefined);
    expect(seen).toEqual(["b", "c"]);
    expect(listener.messages.map(text)).toEqual(["c"]);
    expect(server.stats).toMatchObject({ responsesDropped: 1, requestsDropped: 1 });
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("probabilistic drops are a pure function of the seed (same trace digest twice)", async () => {
    const run = async (): Promise<{ digest: string; dropped: number }> => {
      const { sim, server, dialer } = world(99);
      server.addUnaryHandler("/a.A/X", (request) => request);
      server.dropResponses({ method: "*", probability: 0.5 });
      server.start();
      const transport = await dialReady(sim, dialer);
      const calls = Array.from({ length: 20 }, (_, i) =>
        startUnary(transport, "/a.A/X", bytes(String(i))),
      );
      await sim.runFor(100);
      for (const call of calls) call.stream.cancel();
      await closeAndCheckLeaks(sim, dialer, server);
      return { digest: sim.trace.digest(), dropped: server.stats.responsesDropped };
    };
    const first = await run();
    expect(first.dropped).toBeGreaterThan(0);
    expect(first.dropped).toBeLessThan(20);
    expect(await run()).toEqual(first);
  });

  it("latency: setLatency slows the round trip through the network's link", async () => {
    const { sim, server, dialer } = world();
    server.addUnaryHandler("/a.A/X", (request) => request);
    server.start();
    const transport = await dialReady(sim, dialer);
    const timeCall = async (): Promise<number> => {
      const start = sim.now();
      const { listener } = startUnary(transport, "/a.A/X", bytes("x"));
      await sim.runUntil(() => listener.end !== undefined);
      return sim.now() - start;
    };
    const fast = await timeCall();
    server.setLatency("client", 250);
    const slow = await timeCall();
    expect(slow).toBeGreaterThanOrEqual(500);
    expect(slow).toBeGreaterThan(fast);
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("restart: connections drop (streams closed), connects are refused while down, later accepted", async () => {
    const { sim, server, dialer } = world();
    let aborted = 0;
    server.addBidiHandler("/w.W/Watch", async (call) => {
      await new Promise<void>((resolve) => call.signal.addEventListener("abort", () => resolve()));
      aborted += 1;
    });
    server.start();
    const listener = transportListener();
    const transport = await dialReady(sim, dialer, listener);
    const stream = streamListener();
    transport.openStream({ method: "/w.W/Watch", metadata: {}, listener: stream });
    await sim.runFor(5);
    const restarted = track(server.restart({ downMs: 1000 }));
    await sim.runUntil(() => listener.closes.length === 1);
    expect(stream.end?.kind).toBe("closed");
    expect(isGrpcTransportError(listener.closes[0], "reset")).toBe(true);
    const whileDown = track(
      dialer.dial("server:50051", { signal: signal(), listener: transportListener() }),
    );
    await sim.runUntil(() => whileDown.settled);
    expect(isGrpcTransportError(whileDown.error, "refused")).toBe(true);
    await sim.runUntil(() => restarted.settled);
    expect(server.running).toBe(true);
    await dialReady(sim, dialer);
    expect(aborted).toBe(1);
    expect(server.stats.stops).toBe(1);
    expect(server.stats.handshakes).toBe(2);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("closeConnections: close gives `closed`, reset gives `reset`; the server keeps listening", async () => {
    const { sim, server, dialer } = world();
    server.start();
    for (const reset of [false, true]) {
      const listener = transportListener();
      await dialReady(sim, dialer, listener);
      server.closeConnections({ reset });
      await sim.runUntil(() => listener.closes.length === 1);
      expect(isGrpcTransportError(listener.closes[0], reset ? "reset" : "closed")).toBe(true);
    }
    await dialReady(sim, dialer);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("server close() while a restart is pending rejects the restart and leaves nothing behind", async () => {
    const { sim, server, dialer } = world();
    server.start();
    await dialReady(sim, dialer);
    const restarted = track(server.restart({ downMs: 5000 }));
    await sim.runFor(10);
    expect(sim.pendingTimers(`grpc-server:server:50051`)).toBe(1);
    await server.close();
    await sim.settle();
    expect(restarted.error).toBeInstanceOf(Error);
    expect(() => server.start()).toThrow(/closed/);
    expect(await closeAndCheckLeaks(sim, dialer)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });
});
