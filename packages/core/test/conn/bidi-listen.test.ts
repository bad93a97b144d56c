import { describe, expect, it } from "vitest";
import { jsonCodec, Status } from "../../src/conn/index.js";
import { bytes, setup } from "./harness.js";

const keepAlive = {
  path: "/etcdserverpb.Lease/LeaseKeepAlive",
  requestCodec: jsonCodec<{ id: number }>(),
  responseCodec: jsonCodec<{ ttl: number }>(),
};

function recorder() {
  const messages: number[] = [];
  const ends: unknown[] = [];
  return {
    messages,
    ends,
    listener: {
      onMessage: (response: { ttl: number }) => messages.push(response.ttl),
      onEnd: (error: unknown) => ends.push(error),
    },
  };
}

describe("BidiCall.listen (push delivery)", () => {
  it("delivers buffered responses first, later ones as they arrive, then the OK end once", async () => {
    const { conn, dialer } = setup();
    dialer.serve = undefined;
    const call = await conn.bidi(keepAlive);
    const server = dialer.transports[0]?.streams[0];
    server?.headers();
    server?.message(bytes({ ttl: 10 }));
    const seen = recorder();
    call.listen(seen.listener);
    expect(seen.messages).toEqual([10]);
    // Synchronous: no promise between the transport and the listener.
    server?.message(bytes({ ttl: 9 }));
    expect(seen.messages).toEqual([10, 9]);
    server?.status(Status.OK);
    expect(seen.ends).toEqual([undefined]);
    expect(call.ended).toBe(true);
    expect(() => call.listen(recorder().listener)).toThrow(/already set/);
    await conn.close();
    expect(seen.ends).toHaveLength(1);
  });

  it("ends with the StatusError iteration would throw, also for a listener set after the end", async () => {
    const { conn, dialer } = setup();
    dialer.serve = undefined;
    const call = await conn.bidi(keepAlive);
    const server = dialer.transports[0]?.streams[0];
    server?.message(bytes({ ttl: 3 }));
    server?.status(Status.UNAVAILABLE, "no leader");
    const late = recorder();
    call.listen(late.listener);
    expect(late.messages).toEqual([3]);
    expect(late.ends).toHaveLength(1);
    expect(late.ends[0]).toMatchObject({ status: Status.UNAVAILABLE, details: "no leader" });

    const second = await conn.bidi(keepAlive);
    const seen = recorder();
    second.listen(seen.listener);
    second.cancel();
    expect(dialer.transports[0]?.streams[1]?.cancelled).toBe(true);
    expect(seen.ends).toHaveLength(1);
    expect(seen.ends[0]).toMatchObject({ status: Status.CANCELLED });
    await conn.close();
  });
});
