import { constants } from "node:http2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Http2Dialer } from "../../../src/adapters/http2/index.js";
import {
  ClientConn,
  ConnectivityState,
  isStatusError,
  jsonCodec,
  type MethodDescriptor,
  Status,
} from "../../../src/conn/index.js";
import { systemRandom } from "../../../src/random/system-random.js";
import { systemClock } from "../../../src/time/system-clock.js";
import { GrpcTestServer } from "./grpc-test-server.js";

const echo: MethodDescriptor<{ n: number }, { n: number }> = {
  path: "/test.Echo/Echo",
  requestCodec: jsonCodec(),
  responseCodec: jsonCodec(),
};

let server: GrpcTestServer;

beforeEach(async () => {
  server = await GrpcTestServer.start();
});

afterEach(async () => {
  await server.close();
});

function channel(): ClientConn {
  return new ClientConn({
    target: server.address,
    dialer: new Http2Dialer(),
    clock: systemClock,
    random: systemRandom,
    keepalive: { timeMs: 1000, permitWithoutCalls: true },
  });
}

describe("core's ClientConn over the node:http2 dialer", () => {
  it("runs unary and bidi calls against a real HTTP/2 server", async () => {
    await using conn = channel();
    expect(await conn.unary(echo, { n: 7 })).toEqual({ n: 7 });
    expect(conn.getState()).toBe(ConnectivityState.READY);
    const call = await conn.bidi(echo);
    call.send({ n: 1 });
    call.send({ n: 2 });
    call.halfClose();
    const seen: number[] = [];
    for await (const response of call) seen.push(response.n);
    expect(seen).toEqual([1, 2]);
  });

  it("surfaces the server's status as a StatusError", async () => {
    server.handler = (call) => {
      call.stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc",
          "grpc-status": "9",
          "grpc-message": "no%20way",
        },
        { endStream: true },
      );
    };
    await using conn = channel();
    const error = await conn.unary(echo, { n: 1 }).catch((e: unknown) => e);
    expect(isStatusError(error, Status.FAILED_PRECONDITION)).toBe(true);
    expect((error as { details: string }).details).toBe("no way");
  });

  it("after a GOAWAY the channel goes IDLE and the next call reconnects on a new connection", async () => {
    await using conn = channel();
    expect(await conn.unary(echo, { n: 1 })).toEqual({ n: 1 });
    const first = server.session;
    const idle = conn.waitForStateChange(ConnectivityState.READY);
    first.goaway(constants.NGHTTP2_NO_ERROR, 1, Buffer.alloc(0));
    expect(await idle).toBe(true);
    expect(conn.getState()).toBe(ConnectivityState.IDLE);
    expect(await conn.unary(echo, { n: 2 })).toEqual({ n: 2 });
    expect(server.calls[1]?.stream.session).not.toBe(first);
  });

  it("a killed connection fails the open call with UNAVAILABLE and a new call reconnects", async () => {
    server.handler = () => {};
    await using conn = channel();
    const pending = conn.unary(echo, { n: 1 }).catch((e: unknown) => e);
    await server.waitForCalls(1);
    server.killConnections();
    expect(isStatusError(await pending, Status.UNAVAILABLE)).toBe(true);
    server.handler = (call) => {
      call.stream.respond(
        { ":status": 200, "content-type": "application/grpc", "grpc-status": "0" },
        { endStream: true },
      );
    };
    const error = await conn.unary(echo, { n: 2 }).catch((e: unknown) => e);
    // OK without a message: the call reached the new connection.
    expect(isStatusError(error, Status.UNIMPLEMENTED)).toBe(true);
  });
});
