import { constants } from "node:http2";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeGrpcMessage, Http2Dialer } from "../../../src/adapters/http2/index.js";
import type { ClientTransport } from "../../../src/conn/transport.js";
import { isDsimError } from "../../../src/errors.js";
import { GrpcTestServer } from "./grpc-test-server.js";
import { bytes, StreamRecorder, TransportRecorder, text } from "./recorders.js";

const dialer = new Http2Dialer();
let server: GrpcTestServer;
const transports: ClientTransport[] = [];

async function dial(events = new TransportRecorder()): Promise<ClientTransport> {
  const transport = await dialer.dial(server.address, {
    signal: new AbortController().signal,
    listener: events,
  });
  transports.push(transport);
  return transport;
}

function open(transport: ClientTransport, method = "/test.Echo/Echo", metadata = {}) {
  const recorder = new StreamRecorder();
  const stream = transport.openStream({ method, metadata, listener: recorder });
  return { stream, recorder };
}

beforeEach(async () => {
  server = await GrpcTestServer.start();
});

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await server.close();
});

describe("Http2Dialer: calls", () => {
  it("runs a unary call: headers, framing, messages and OK status from trailers", async () => {
    const transport = await dial();
    const { stream, recorder } = open(transport, "/test.Echo/Echo", {
      "x-user": ["a", "b"],
      // Reserved fields from a caller are dropped: they would corrupt the request.
      "content-type": ["text/plain"],
      ":path": ["/evil"],
    });
    expect(stream.id).toBe(1);
    expect(transport.activeStreams).toBe(1);
    expect(stream.sendMessage(bytes("hello"))).toBe(true);
    expect(stream.sendMessage(bytes(""))).toBe(true);
    stream.halfClose();
    expect(stream.sendMessage(bytes("late"))).toBe(false);
    const end = await recorder.ended;
    expect(end).toEqual({ kind: "status", code: 0, details: "", metadata: {} });
    expect(recorder.messages.map(text)).toEqual(["hello", ""]);
    expect(recorder.headers).toHaveLength(1);
    expect(recorder.lateEvents).toBe(0);
    expect(transport.activeStreams).toBe(0);
    const call = server.calls[0];
    expect(call?.headers[":method"]).toBe("POST");
    expect(call?.headers[":path"]).toBe("/test.Echo/Echo");
    expect(call?.headers["content-type"]).toBe("application/grpc");
    expect(call?.headers.te).toBe("trailers");
    expect(call?.headers["x-user"]).toBe("a, b");
  });

  it("reassembles a response message split over many DATA frames", async () => {
    server.handler = async (call) => {
      await call.halfClosed;
      call.stream.respond(
        { ":status": 200, "content-type": "application/grpc" },
        {
          waitForTrailers: true,
        },
      );
      call.stream.on("wantTrailers", () => call.stream.sendTrailers({ "grpc-status": "0" }));
      const framed = Buffer.concat([
        encodeGrpcMessage(bytes("first")),
        encodeGrpcMessage(bytes("second message")),
      ]);
      // One byte per write: every prefix and body boundary falls between DATA frames.
      for (const byte of framed) call.stream.write(Buffer.from([byte]));
      call.stream.end();
    };
    const transport = await dial();
    const { stream, recorder } = open(transport);
    stream.halfClose();
    expect((await recorder.ended).kind).toBe("status");
    expect(recorder.messages.map(text)).toEqual(["first", "second message"]);
  });

  it("reports a non-OK status with a percent-decoded grpc-message and trailer metadata", async () => {
    server.handler = async (call) => {
      await call.halfClosed;
      call.stream.respond(
        { ":status": 200, "content-type": "application/grpc" },
        {
          waitForTrailers: true,
        },
      );
      call.stream.on("wantTrailers", () =>
        call.stream.sendTrailers({
          "grpc-status": "5",
          "grpc-message": "etcdserver: requested lease not found %E2%9C%93",
          "x-trailer": "t",
        }),
      );
      call.stream.end();
    };
    const transport = await dial();
    const { stream, recorder } = open(transport);
    stream.halfClose();
    expect(await recorder.ended).toEqual({
      kind: "status",
      code: 5,
      details: "etcdserver: requested lease not found ✓",
      metadata: { "x-trailer": ["t"] },
    });
  });

  it("reads the status of a trailers-only response from its headers", async () => {
    server.handler = (call) => {
      call.stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc",
          "grpc-status": "14",
          "grpc-message": "etcdserver: no leader",
        },
        { endStream: true },
      );
    };
    const transport = await dial();
    const { recorder } = open(transport);
    expect(await recorder.ended).toMatchObject({
      kind: "status",
      code: 14,
      details: "etcdserver: no leader",
    });
    expect(recorder.headers).toEqual([]);
  });

  it("maps a non-gRPC HTTP response to a status", async () => {
    server.handler = (call) => {
      call.stream.respond({ ":status": 503 }, { endStream: true });
    };
    const transport = await dial();
    const { recorder } = open(transport);
    expect(await recorder.ended).toMatchObject({ kind: "status", code: 14 });
  });

  it("streams both ways (bidi) and ends with OK when the server finishes", async () => {
    server.handler = (call) => {
      call.stream.respond(
        { ":status": 200, "content-type": "application/grpc" },
        {
          waitForTrailers: true,
        },
      );
      call.stream.on("wantTrailers", () => call.stream.sendTrailers({ "grpc-status": "0" }));
      let echoed = 0;
      call.stream.on("data", () => {
        for (const message of call.messages.slice(echoed)) {
          call.stream.write(encodeGrpcMessage(message));
        }
        echoed = call.messages.length;
        if (echoed === 3) call.stream.end();
      });
    };
    const transport = await dial();
    const { stream, recorder } = open(transport);
    for (const word of ["a", "b", "c"]) stream.sendMessage(bytes(word));
    expect((await recorder.ended).kind).toBe("status");
    expect(recorder.messages.map(text)).toEqual(["a", "b", "c"]);
    expect(transport.activeStreams).toBe(0);
  });

  it("cancel ends the stream with reset CANCEL at once and the server sees RST_STREAM(CANCEL)", async () => {
    server.handler = () => {};
    const transport = await dial();
    const { stream, recorder } = open(transport);
    stream.sendMessage(bytes("x"));
    await server.waitForCalls(1);
    stream.cancel();
    expect(recorder.ends).toEqual([{ kind: "reset", code: constants.NGHTTP2_CANCEL }]);
    expect(transport.activeStreams).toBe(0);
    expect(await server.calls[0]?.closed).toBe(constants.NGHTTP2_CANCEL);
    expect(stream.sendMessage(bytes("y"))).toBe(false);
    expect(recorder.lateEvents).toBe(0);
  });

  it("a stream reset with REFUSED_STREAM ends refused; another code ends reset", async () => {
    server.handler = (call) => {
      const code =
        call.headers[":path"] === "/refuse"
          ? constants.NGHTTP2_REFUSED_STREAM
          : constants.NGHTTP2_INTERNAL_ERROR;
      call.stream.close(code);
    };
    const transport = await dial();
    const refused = open(transport, "/refuse").recorder;
    const reset = open(transport, "/reset").recorder;
    expect((await refused.ended).kind).toBe("refused");
    expect(await reset.ended).toEqual({ kind: "reset", code: constants.NGHTTP2_INTERNAL_ERROR });
    expect(transport.draining).toBe(false);
  });

  it("fails a call whose response message exceeds the limit with RESOURCE_EXHAUSTED", async () => {
    const small = new Http2Dialer({ maxReceiveMessageBytes: 4 });
    const transport = await small.dial(server.address, {
      signal: new AbortController().signal,
      listener: new TransportRecorder(),
    });
    transports.push(transport);
    const { stream, recorder } = open(transport);
    stream.sendMessage(bytes("12345"));
    stream.halfClose();
    expect(await recorder.ended).toMatchObject({ kind: "status", code: 8 });
  });
});

describe("Http2Dialer: connection events", () => {
  it("GOAWAY: reports it, refuses streams above last-stream-id, lets the others finish", async () => {
    server.handler = () => {};
    const events = new TransportRecorder();
    const transport = await dial(events);
    const kept = open(transport);
    const above = open(transport);
    await server.waitForCalls(2);
    expect([kept.stream.id, above.stream.id]).toEqual([1, 3]);
    server.session.goaway(constants.NGHTTP2_NO_ERROR, 1, Buffer.from("bye"));
    await events.waitForGoaways(1);
    expect(events.goaways).toEqual([{ lastStreamId: 1, code: 0, debug: "bye" }]);
    expect(above.recorder.ends).toEqual([
      { kind: "refused", reason: "stream 3 above GOAWAY last-stream-id 1" },
    ]);
    expect(transport.draining).toBe(true);
    expect(() => open(transport)).toThrowError(/draining or closed/);
    // The stream at or below last-stream-id still completes normally.
    const call = server.calls[0];
    if (call === undefined) throw new Error("no call");
    call.stream.respond(
      { ":status": 200, "content-type": "application/grpc", "grpc-status": "0" },
      {
        endStream: true,
      },
    );
    expect((await kept.recorder.ended).kind).toBe("status");
    expect(await events.closed).toBeUndefined();
    expect(events.closes).toHaveLength(1);
  });

  it("ENHANCE_YOUR_CALM too_many_pings GOAWAY carries code and debug text", async () => {
    const events = new TransportRecorder();
    const transport = await dial(events);
    server.session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, Buffer.from("too_many_pings"));
    await events.closed;
    expect(events.goaways).toEqual([{ lastStreamId: 0, code: 0xb, debug: "too_many_pings" }]);
    expect(transport.draining).toBe(true);
  });

  it("a connection that dies ends every open stream with closed, then onClose once", async () => {
    server.handler = () => {};
    const events = new TransportRecorder();
    const transport = await dial(events);
    const a = open(transport);
    const b = open(transport);
    await server.waitForCalls(2);
    // The TCP connection dies without any HTTP/2 frame, as when the server process is killed.
    server.killConnections();
    await events.closed;
    expect(a.recorder.ends.map((e) => e.kind)).toEqual(["closed"]);
    expect(b.recorder.ends.map((e) => e.kind)).toEqual(["closed"]);
    expect(events.closes).toHaveLength(1);
    expect(transport.activeStreams).toBe(0);
    expect(transport.draining).toBe(true);
    await expect(transport.ping(new AbortController().signal)).rejects.toSatisfy((e) =>
      isDsimError(e, "CLOSED"),
    );
  });

  it("close() ends open streams with closed and reports onClose exactly once", async () => {
    server.handler = () => {};
    const events = new TransportRecorder();
    const transport = await dial(events);
    const a = open(transport);
    transport.close();
    transport.close();
    expect(a.recorder.ends.map((e) => e.kind)).toEqual(["closed"]);
    expect(events.closes).toEqual([undefined]);
    expect(transport.draining).toBe(true);
  });

  it("ping resolves on the PING ack and rejects when its signal aborts", async () => {
    const transport = await dial();
    await expect(transport.ping(new AbortController().signal)).resolves.toBeUndefined();
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(transport.ping(controller.signal)).rejects.toThrowError("stop");
  });
});

describe("Http2Dialer: dialing", () => {
  let tcp: Server | undefined;
  const sockets = new Set<Socket>();

  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    const closing = tcp;
    tcp = undefined;
    if (closing !== undefined) await new Promise<void>((resolve) => closing.close(() => resolve()));
  });

  async function tcpServer(onSocket: (socket: Socket) => void): Promise<string> {
    const created = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      onSocket(socket);
    });
    tcp = created;
    await new Promise<void>((resolve) => created.listen(0, "127.0.0.1", resolve));
    const info = created.address();
    if (info === null || typeof info === "string") throw new Error("no port");
    return `127.0.0.1:${info.port}`;
  }

  it("rejects with CONNECT_FAILED when nothing listens", async () => {
    const address = await tcpServer(() => {});
    await new Promise<void>((resolve) => tcp?.close(() => resolve()));
    tcp = undefined;
    const error = await dialer
      .dial(address, { signal: new AbortController().signal, listener: new TransportRecorder() })
      .catch((e: unknown) => e);
    expect(isDsimError(error, "CONNECT_FAILED")).toBe(true);
    expect(String(error)).toMatch(/ECONNREFUSED/);
  });

  it("does not resolve on TCP accept alone: a server that never sends SETTINGS hangs until abort", async () => {
    let accepted!: () => void;
    const acceptedP = new Promise<void>((resolve) => {
      accepted = resolve;
    });
    const address = await tcpServer(() => accepted());
    const controller = new AbortController();
    const dialing = dialer.dial(address, {
      signal: controller.signal,
      listener: new TransportRecorder(),
    });
    await acceptedP;
    controller.abort(new Error("connect deadline"));
    await expect(dialing).rejects.toThrowError("connect deadline");
  });

  it("rejects with CONNECT_FAILED when the server closes before SETTINGS", async () => {
    const address = await tcpServer((socket) => socket.end());
    const error = await dialer
      .dial(address, { signal: new AbortController().signal, listener: new TransportRecorder() })
      .catch((e: unknown) => e);
    expect(isDsimError(error, "CONNECT_FAILED")).toBe(true);
  });

  it("rejects an already aborted signal and invalid arguments", async () => {
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    await expect(
      dialer.dial(server.address, { signal: controller.signal, listener: new TransportRecorder() }),
    ).rejects.toThrowError("gone");
    await expect(
      dialer.dial("no-port", {
        signal: new AbortController().signal,
        listener: new TransportRecorder(),
      }),
    ).rejects.toThrowError(TypeError);
    expect(() => new Http2Dialer({ scheme: "ftp" as "http" })).toThrowError(TypeError);
    expect(() => new Http2Dialer({ maxReceiveMessageBytes: -1 })).toThrowError(RangeError);
  });
});
