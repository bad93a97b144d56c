import { constants } from "node:http2";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { Http2Dialer } from "../../../src/adapters/http2/index.js";
import type { ClientTransport } from "../../../src/conn/transport.js";
import { FrameTapProxy } from "./frame-tap.js";
import { GrpcTestServer } from "./grpc-test-server.js";
import { bytes, StreamRecorder, TransportRecorder, text } from "./recorders.js";

const DATA = 0x0;

let server: GrpcTestServer;
const transports: ClientTransport[] = [];

beforeEach(async () => {
  server = await GrpcTestServer.start();
});

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await server.close();
});

async function dialTapped(): Promise<{ transport: ClientTransport; tap: FrameTapProxy }> {
  const tap = await FrameTapProxy.start((server.server.address() as AddressInfo).port);
  onTestFinished(() => tap[Symbol.asyncDispose]());
  const transport = await new Http2Dialer().dial(tap.address, {
    signal: new AbortController().signal,
    listener: new TransportRecorder(),
  });
  transports.push(transport);
  return { transport, tap };
}

function dataFrames(tap: FrameTapProxy, streamId: number): number {
  return tap.fromClient.filter(([type, id]) => type === DATA && id === streamId).length;
}

describe("Http2Dialer: messages sent in one tick", () => {
  it("leave as one DATA frame, in order, and a half-close sends the tick's messages first", async () => {
    const { transport, tap } = await dialTapped();
    const recorder = new StreamRecorder();
    const stream = transport.openStream({
      method: "/test.Echo/Stream",
      metadata: {},
      listener: recorder,
    });
    const sent = Array.from({ length: 100 }, (_, i) => `keep-alive ${i}`);
    for (const message of sent) expect(stream.sendMessage(bytes(message))).toBe(true);
    // Let the tick end (the batch is written then), then a PING goes out behind it: its ack
    // means every frame before it reached the server through the tap.
    await Promise.resolve();
    await transport.ping(new AbortController().signal);
    expect(dataFrames(tap, stream.id)).toBe(1);
    expect(server.calls[0]?.messages.map(text)).toEqual(sent);

    const more = ["a", "b", "c"];
    for (const message of more) stream.sendMessage(bytes(message));
    stream.halfClose();
    expect(stream.sendMessage(bytes("after half-close"))).toBe(false);
    expect(await recorder.ended).toMatchObject({ kind: "status", code: 0 });
    expect(recorder.messages.map(text)).toEqual([...sent, ...more]);
  });

  it("are dropped, not written, when the call is cancelled in the same tick", async () => {
    const { transport, tap } = await dialTapped();
    const recorder = new StreamRecorder();
    const stream = transport.openStream({
      method: "/test.Echo/Stream",
      metadata: {},
      listener: recorder,
    });
    stream.sendMessage(bytes("never sent"));
    stream.cancel();
    expect(await recorder.ended).toMatchObject({ kind: "reset" });
    await server.waitForCalls(1);
    const call = server.calls[0];
    // Node ends our side with an empty DATA frame before the RST_STREAM: no message in it.
    expect(await call?.closed).toBe(constants.NGHTTP2_CANCEL);
    expect(call?.messages).toEqual([]);
    expect(dataFrames(tap, stream.id)).toBeLessThanOrEqual(1);
    expect(recorder.lateEvents).toBe(0);
  });
});
