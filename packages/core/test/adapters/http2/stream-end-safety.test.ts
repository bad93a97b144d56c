import { constants } from "node:http2";
import type { AddressInfo } from "node:net";
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from "@grpc/grpc-js";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { Http2Dialer } from "../../../src/adapters/http2/index.js";
import {
  ClientConn,
  isStatusError,
  jsonCodec,
  type MethodDescriptor,
  Status,
} from "../../../src/conn/index.js";
import type { ClientTransport } from "../../../src/conn/transport.js";
import { systemRandom } from "../../../src/random/system-random.js";
import { systemClock } from "../../../src/time/system-clock.js";
import { FrameTapProxy, RST_STREAM } from "./frame-tap.js";
import { echoHandler, GrpcTestServer } from "./grpc-test-server.js";
import { bytes, StreamRecorder, TransportRecorder } from "./recorders.js";

const HEADERS = 0x1;
const PING = 0x6;

let server: GrpcTestServer;
const transports: ClientTransport[] = [];

beforeEach(async () => {
  server = await GrpcTestServer.start();
});

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await server.close();
});

function port(): number {
  return (server.server.address() as AddressInfo).port;
}

async function dialTapped(
  to = port(),
): Promise<{ transport: ClientTransport; tap: FrameTapProxy }> {
  const tap = await FrameTapProxy.start(to);
  onTestFinished(() => tap[Symbol.asyncDispose]());
  const transport = await new Http2Dialer().dial(tap.address, {
    signal: new AbortController().signal,
    listener: new TransportRecorder(),
  });
  transports.push(transport);
  return { transport, tap };
}

/** A PING goes out behind every frame queued before it, so its ack means they were written. */
async function flushed(transport: ClientTransport): Promise<void> {
  await transport.ping(new AbortController().signal);
}

/** A grpc-js server with one unary echo method, on a free loopback port. */
async function startGrpcJsServer(): Promise<{ server: Server; port: number }> {
  const identity = (data: Buffer): Buffer => data;
  const definition: ServiceDefinition = {
    Echo: {
      path: "/test.Echo/Echo",
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
  const grpcServer = new Server();
  grpcServer.addService(definition, {
    Echo: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) =>
      callback(null, call.request),
  });
  const boundPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    ),
  );
  return { server: grpcServer, port: boundPort };
}

describe("Http2Dialer: a finished call sends no RST_STREAM", () => {
  // Servers count received RST_STREAM frames as rapid resets (CVE-2023-44487): nghttp2 allows
  // 1 000, then 33 per second, and then sends GOAWAY(INTERNAL_ERROR) to the whole connection.
  it("unary calls against a grpc-js server leave no RST_STREAM on the wire", async () => {
    const grpcJs = await startGrpcJsServer();
    onTestFinished(() => grpcJs.server.forceShutdown());
    const { transport, tap } = await dialTapped(grpcJs.port);
    for (let i = 0; i < 20; i++) {
      const recorder = new StreamRecorder();
      const stream = transport.openStream({
        method: "/test.Echo/Echo",
        metadata: {},
        listener: recorder,
      });
      stream.sendMessage(bytes(`m${i}`));
      stream.halfClose();
      expect(await recorder.ended).toMatchObject({ kind: "status", code: 0 });
    }
    await flushed(transport);
    expect(tap.count(HEADERS)).toBe(20);
    expect(tap.count(PING)).toBe(1);
    expect(tap.count(RST_STREAM)).toBe(0);
  });

  it("a stream the server finished first is half-closed, not reset", async () => {
    server.handler = (call) => {
      call.stream.respond(
        { ":status": 200, "content-type": "application/grpc", "grpc-status": "0" },
        { endStream: true },
      );
    };
    const { transport, tap } = await dialTapped();
    const recorder = new StreamRecorder();
    const stream = transport.openStream({
      method: "/test.Echo/Stream",
      metadata: {},
      listener: recorder,
    });
    stream.sendMessage(bytes("still talking"));
    expect(await recorder.ended).toMatchObject({ kind: "status", code: 0 });
    expect(await server.calls[0]?.closed).toBe(constants.NGHTTP2_NO_ERROR);
    await flushed(transport);
    expect(tap.count(RST_STREAM)).toBe(0);
    expect(transport.activeStreams).toBe(0);
  });
});

describe("Http2Dialer: refused means provably not processed", () => {
  it("a GOAWAY whose error code is REFUSED_STREAM ends a stream at or below its last-stream-id as closed", async () => {
    server.handler = () => {};
    const dialer = new Http2Dialer();
    const events = new TransportRecorder();
    const transport = await dialer.dial(server.address, {
      signal: new AbortController().signal,
      listener: events,
    });
    transports.push(transport);
    const recorder = new StreamRecorder();
    const stream = transport.openStream({
      method: "/test.Echo/Echo",
      metadata: {},
      listener: recorder,
    });
    stream.sendMessage(bytes("x"));
    stream.halfClose();
    await server.waitForCalls(1);
    // The server saw stream 1 and says so (last-stream-id 1): whatever the code, it may have run.
    server.session.goaway(constants.NGHTTP2_REFUSED_STREAM, stream.id, Buffer.alloc(0));
    const end = await recorder.ended;
    expect(end.kind).toBe("closed");
    expect(events.goaways).toEqual([
      { lastStreamId: 1, code: constants.NGHTTP2_REFUSED_STREAM, debug: "" },
    ]);
  });
});

describe("ClientConn over node:http2: a call that may have run is never re-sent", () => {
  const echo: MethodDescriptor<{ n: number }, { n: number }> = {
    path: "/test.Echo/Echo",
    requestCodec: jsonCodec(),
    responseCodec: jsonCodec(),
  };

  it("an RPC whose connection a GOAWAY(REFUSED_STREAM) at its own stream id kills fails UNAVAILABLE and runs once", async () => {
    server.handler = async (call) => {
      if (server.calls.length > 1) return echoHandler(call);
      await call.halfClosed;
      // The server has the whole request, then drops the connection before answering.
      call.stream.session?.goaway(
        constants.NGHTTP2_REFUSED_STREAM,
        call.stream.id ?? 0,
        Buffer.alloc(0),
      );
    };
    await using conn = new ClientConn({
      target: server.address,
      dialer: new Http2Dialer(),
      clock: systemClock,
      random: systemRandom,
    });
    const error = await conn.unary(echo, { n: 1 }).catch((e: unknown) => e);
    expect(isStatusError(error, Status.UNAVAILABLE)).toBe(true);
    expect(server.calls).toHaveLength(1);
    // The channel still works: the next call reconnects and runs.
    expect(await conn.unary(echo, { n: 2 })).toEqual({ n: 2 });
    expect(server.calls).toHaveLength(2);
  });
});
