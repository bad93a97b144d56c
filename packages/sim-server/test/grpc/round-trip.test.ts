import { Http2ErrorCode } from "@dsim/core";
import { fc } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { GrpcStatus, GrpcStatusError } from "../../src/grpc/status.js";
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

describe("grpc round trips", () => {
  it("dial resolves only after the server's SETTINGS", async () => {
    const { sim, server, dialer } = world(1, { settingsDelayMs: 500 });
    server.start();
    const dial = track(
      dialer.dial("server:50051", {
        signal: new AbortController().signal,
        listener: transportListener(),
      }),
    );
    await sim.runFor(400);
    expect(dial.settled).toBe(false);
    expect(server.stats.connectionsAccepted).toBe(1);
    await sim.runUntil(() => dial.settled);
    expect(sim.now()).toBeGreaterThanOrEqual(500);
    expect(dial.error).toBeUndefined();
    expect(server.stats.handshakes).toBe(1);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("unary call carries metadata both ways and ends with OK trailers", async () => {
    const { sim, server, dialer } = world();
    server.addUnaryHandler("/echo.Echo/Say", (request, ctx) => {
      ctx.setHeaders({ "x-server": ["s1"] });
      ctx.setTrailers({ "x-trailer": ["t1"] });
      return bytes(`${text(request)} from ${ctx.metadata["x-client"]?.[0]} on ${ctx.peer}`);
    });
    server.start();
    const transport = await dialReady(sim, dialer);
    const { listener } = startUnary(transport, "/echo.Echo/Say", bytes("hi"), {
      "x-client": ["c1"],
    });
    await sim.runUntil(() => listener.end !== undefined);
    expect(listener.headers).toEqual([{ "x-server": ["s1"] }]);
    expect(listener.messages.map(text)).toEqual(["hi from c1 on client"]);
    expect(listener.end).toEqual({
      kind: "status",
      code: 0,
      details: "",
      metadata: { "x-trailer": ["t1"] },
    });
    expect(transport.activeStreams).toBe(0);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("a thrown GrpcStatusError becomes a trailers-only status; unknown methods get UNIMPLEMENTED", async () => {
    const { sim, server, dialer } = world();
    server.addUnaryHandler("/lease.Lease/Get", () => {
      throw new GrpcStatusError(GrpcStatus.NOT_FOUND, "lease not found", { "x-why": ["expired"] });
    });
    server.addUnaryHandler("/lease.Lease/Crash", async () => {
      throw new Error("handler bug");
    });
    server.start();
    const transport = await dialReady(sim, dialer);
    const notFound = startUnary(transport, "/lease.Lease/Get", bytes("1")).listener;
    const crash = startUnary(transport, "/lease.Lease/Crash", bytes("1")).listener;
    const missing = startUnary(transport, "/lease.Lease/Nope", bytes("1")).listener;
    await sim.runUntil(() => [notFound, crash, missing].every((l) => l.end !== undefined));
    expect(notFound.headers).toEqual([]);
    expect(notFound.end).toEqual({
      kind: "status",
      code: GrpcStatus.NOT_FOUND,
      details: "lease not found",
      metadata: { "x-why": ["expired"] },
    });
    expect(crash.end).toMatchObject({
      kind: "status",
      code: GrpcStatus.UNKNOWN,
      details: "handler bug",
    });
    expect(missing.end).toMatchObject({ kind: "status", code: GrpcStatus.UNIMPLEMENTED });
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("bidi stream: messages flow both ways, the handler's end status reaches the client", async () => {
    const { sim, server, dialer } = world();
    server.addBidiHandler("/lease.Lease/KeepAlive", async (call) => {
      call.sendHeaders({ "x-stream": ["ka"] });
      let n = 0;
      for await (const message of call.messages) {
        n += 1;
        call.write(bytes(`ack ${text(message)}`));
      }
      call.end({ code: GrpcStatus.OK, details: `saw ${n}`, metadata: { "x-count": [String(n)] } });
    });
    server.start();
    const transport = await dialReady(sim, dialer);
    const listener = streamListener();
    const stream = transport.openStream({
      method: "/lease.Lease/KeepAlive",
      metadata: {},
      listener,
    });
    expect(stream.sendMessage(bytes("a"))).toBe(true);
    await sim.runFor(10);
    expect(listener.messages.map(text)).toEqual(["ack a"]);
    stream.sendMessage(bytes("b"));
    stream.sendMessage(bytes("c"));
    stream.halfClose();
    expect(stream.sendMessage(bytes("late"))).toBe(false);
    await sim.runUntil(() => listener.end !== undefined);
    expect(listener.headers).toEqual([{ "x-stream": ["ka"] }]);
    expect(listener.messages.map(text)).toEqual(["ack a", "ack b", "ack c"]);
    expect(listener.end).toEqual({
      kind: "status",
      code: 0,
      details: "saw 3",
      metadata: { "x-count": ["3"] },
    });
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("stream ids are odd and increasing, and the server saw exactly those ids (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("/a.A/One", "/a.A/Two", "/a.A/Three"), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        async (methods, seed) => {
          const { sim, server, dialer } = world(seed);
          for (const method of ["/a.A/One", "/a.A/Two", "/a.A/Three"]) {
            server.addUnaryHandler(method, (request) => request);
          }
          server.start();
          const transport = await dialReady(sim, dialer);
          const calls = methods.map((method) => ({
            method,
            ...startUnary(transport, method, bytes(method)),
          }));
          await sim.runUntil(() => calls.every((c) => c.listener.end !== undefined));
          expect(calls.map((c) => c.stream.id)).toEqual(methods.map((_, i) => 2 * i + 1));
          expect(server.stats.streams.map((s) => [s.streamId, s.method])).toEqual(
            calls.map((c) => [c.stream.id, c.method]),
          );
          for (const c of calls) expect(c.listener.end).toMatchObject({ kind: "status", code: 0 });
          expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
            timers: 0,
            owners: [],
            connections: 0,
          });
        },
      ),
      { seed: 42, numRuns: 25 },
    );
  });

  it("PING resolves on the ack; an aborted ping rejects with the signal's reason", async () => {
    const { sim, server, dialer } = world();
    server.start();
    const transport = await dialReady(sim, dialer);
    const ping = track(transport.ping(new AbortController().signal));
    await sim.runUntil(() => ping.settled);
    expect(ping.error).toBeUndefined();
    expect(server.stats.pingsReceived).toBe(1);
    const controller = new AbortController();
    const aborted = track(transport.ping(controller.signal));
    controller.abort(new Error("deadline"));
    await sim.settle();
    expect((aborted.error as Error).message).toBe("deadline");
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("client cancel sends RST_STREAM(CANCEL): the handler's signal aborts and the server counts it", async () => {
    const { sim, server, dialer } = world();
    let handlerAborted = false;
    server.addBidiHandler("/w.W/Watch", async (call) => {
      await new Promise<void>((resolve) => call.signal.addEventListener("abort", () => resolve()));
      handlerAborted = true;
    });
    server.start();
    const transport = await dialReady(sim, dialer);
    const listener = streamListener();
    const stream = transport.openStream({ method: "/w.W/Watch", metadata: {}, listener });
    await sim.runFor(5);
    stream.cancel();
    expect(listener.end).toEqual({ kind: "reset", code: Http2ErrorCode.CANCEL });
    await sim.runUntil(() => handlerAborted);
    expect(server.stats.rstReceived).toMatchObject([
      { streamId: stream.id, code: Http2ErrorCode.CANCEL },
    ]);
    expect(server.activeStreams).toBe(0);
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("RST_STREAM(REFUSED_STREAM) ends the stream refused; another code ends it reset", async () => {
    const { sim, server, dialer } = world();
    server.addUnaryHandler("/a.A/X", (request) => request);
    server.addBidiHandler("/a.A/Reset", (call) => call.reset(Http2ErrorCode.INTERNAL_ERROR));
    server.refuseStreams({ method: "/a.A/X", count: 1 });
    server.start();
    const transport = await dialReady(sim, dialer);
    const refused = startUnary(transport, "/a.A/X", bytes("1")).listener;
    const accepted = startUnary(transport, "/a.A/X", bytes("2")).listener;
    const reset = startUnary(transport, "/a.A/Reset", bytes("3")).listener;
    await sim.runUntil(() => [refused, accepted, reset].every((l) => l.end !== undefined));
    expect(refused.end?.kind).toBe("refused");
    expect(accepted.end).toMatchObject({ kind: "status", code: 0 });
    expect(reset.end).toEqual({ kind: "reset", code: Http2ErrorCode.INTERNAL_ERROR });
    expect(server.stats.streamsRefused).toBe(1);
    expect(server.stats.streams.map((s) => s.streamId)).toEqual([3, 5]);
    expect(server.stats.rstSent.map((r) => [r.streamId, r.code])).toEqual([
      [1, Http2ErrorCode.REFUSED_STREAM],
      [5, Http2ErrorCode.INTERNAL_ERROR],
    ]);
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("client close(): streams end closed, onClose once with no error, the server sees the GOAWAY", async () => {
    const { sim, server, dialer } = world();
    server.addBidiHandler("/w.W/Watch", async (call) => {
      for await (const _ of call.messages) {
        // keep the stream open
      }
    });
    server.start();
    const listener = transportListener();
    const transport = await dialReady(sim, dialer, listener);
    const stream = streamListener();
    transport.openStream({ method: "/w.W/Watch", metadata: {}, listener: stream });
    await sim.runFor(5);
    transport.close();
    transport.close();
    expect(stream.end?.kind).toBe("closed");
    expect(listener.closes).toEqual([undefined]);
    expect(transport.draining).toBe(true);
    expect(() =>
      transport.openStream({ method: "/w.W/Watch", metadata: {}, listener: streamListener() }),
    ).toThrow(/closed/);
    await sim.runUntil(() => server.openConnections === 0);
    expect(server.stats.goawaysReceived).toBe(1);
    expect(dialer.openTransports).toBe(0);
    expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
      timers: 0,
      owners: [],
      connections: 0,
    });
  });

  it("rejects invalid arguments up front", async () => {
    const { sim, server, dialer } = world();
    expect(() => server.addUnaryHandler("nope", (r) => r)).toThrow(TypeError);
    expect(() => server.goaway({ mode: "bogus" as "graceful" })).toThrow(TypeError);
    await expect(
      dialer.dial("", { signal: new AbortController().signal, listener: transportListener() }),
    ).rejects.toThrow(TypeError);
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("edge cases: a unary call without a request message, a throwing bidi handler, writes after cancel", async () => {
    const { sim, server, dialer } = world();
    let writeAfterCancel: boolean | undefined;
    server.addUnaryHandler("/a.A/X", (request) => request);
    server.addBidiHandler("/a.A/Throw", () => {
      throw new GrpcStatusError(GrpcStatus.FAILED_PRECONDITION, "no leader");
    });
    server.addBidiHandler("/a.A/Late", async (call) => {
      await new Promise<void>((resolve) => call.signal.addEventListener("abort", () => resolve()));
      writeAfterCancel = call.write(bytes("too late"));
    });
    server.start();
    const transport = await dialReady(sim, dialer);
    const empty = streamListener();
    transport.openStream({ method: "/a.A/X", metadata: {}, listener: empty }).halfClose();
    const thrown = streamListener();
    transport.openStream({ method: "/a.A/Throw", metadata: {}, listener: thrown });
    const late = streamListener();
    const lateStream = transport.openStream({ method: "/a.A/Late", metadata: {}, listener: late });
    await sim.runFor(10);
    lateStream.cancel();
    await sim.runUntil(() => writeAfterCancel !== undefined);
    expect(empty.end).toMatchObject({ kind: "status", code: GrpcStatus.INTERNAL });
    expect(thrown.end).toMatchObject({
      kind: "status",
      code: GrpcStatus.FAILED_PRECONDITION,
      details: "no leader",
    });
    expect(writeAfterCancel).toBe(false);
    expect(late.messages).toEqual([]);
    await closeAndCheckLeaks(sim, dialer, server);
  });

  it("traces the transport's events under the client and server sources", async () => {
    const { sim, server, dialer } = world();
    server.addUnaryHandler("/a.A/X", (request) => request);
    server.start();
    const transport = await dialReady(sim, dialer);
    const call = startUnary(transport, "/a.A/X", bytes("1"));
    const ping = track(transport.ping(new AbortController().signal));
    await sim.runUntil(() => call.listener.end !== undefined && ping.settled);
    server.goaway({ mode: "immediate" });
    await sim.runUntil(() => dialer.openTransports === 0);
    const kinds = (source: string) =>
      new Set(sim.trace.events.filter((e) => e.source === source).map((e) => e.kind));
    expect([...kinds("grpc-client:client")].sort()).toEqual(
      [
        "grpc.close",
        "grpc.dial",
        "grpc.goaway",
        "grpc.ping",
        "grpc.settings",
        "grpc.stream.end",
        "grpc.stream.open",
      ].sort(),
    );
    expect(kinds("grpc-server:server:50051")).toEqual(
      new Set([
        "grpc.server.start",
        "grpc.settings",
        "grpc.accept",
        "grpc.stream.open",
        "grpc.stream.end",
        "grpc.ping",
        "grpc.fault",
        "grpc.goaway",
        "grpc.close",
      ]),
    );
    await closeAndCheckLeaks(sim, dialer, server);
  });
});
