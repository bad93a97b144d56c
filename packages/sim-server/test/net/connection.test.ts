import { describe, expect, it } from "vitest";
import { ConnectError, RETRANSMIT_TIMEOUT_MS, Simulation } from "../../src/index.js";
import { connectPair, record } from "./helpers.js";

async function settled<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

describe("connect", () => {
  it("resolves after one round trip; the server sees the connection after one way", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.net.setLink("c", "s", { latencyMs: 5 });
    let acceptedAt = -1;
    sim.net.listen("s:1", (conn) => {
      acceptedAt = sim.now();
      expect(conn.open).toBe(true);
      expect(conn.localHost).toBe("s");
      expect(conn.remoteHost).toBe("c");
    });
    let connectedAt = -1;
    sim.spawn("c", async () => {
      const conn = await sim.net.connect("c", "s:1");
      connectedAt = sim.now();
      expect(conn.address).toBe("s:1");
      expect(conn.localHost).toBe("c");
    });
    await sim.runFor(20);
    expect([acceptedAt, connectedAt]).toEqual([5, 10]);
  });

  it("rejects with ECONNREFUSED after a round trip when nothing listens (or the listener closed)", async () => {
    const sim = new Simulation({ seed: 1 });
    const listener = sim.net.listen("s:1", () => {});
    expect(() => sim.net.listen("s:1", () => {})).toThrow(/EADDRINUSE/);
    listener.close();
    listener.close();
    const result = settled(sim.net.connect("c", "s:1"));
    await sim.runFor(5);
    const { error } = await result;
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe("ECONNREFUSED");
    expect(sim.net.openConnections()).toBe(0);
    expect(sim.trace.events.find((e) => e.kind === "net.refused")?.t).toBe(1);
  });

  it("stays pending during a partition until aborted; the server never hears of it", async () => {
    const sim = new Simulation({ seed: 1 });
    let accepted = 0;
    sim.net.listen("s:1", () => accepted++);
    sim.net.partition("c", "s");
    const controller = new AbortController();
    const result = settled(sim.net.connect("c", "s:1", { signal: controller.signal }));
    await sim.runFor(1000);
    expect(sim.net.openConnections()).toBe(1);
    expect(sim.net.openConnectionInfo()).toEqual([
      { id: 1, from: "c", address: "s:1", client: "connecting", server: "idle" },
    ]);
    controller.abort(new Error("give up"));
    const { error } = await result;
    expect((error as ConnectError).code).toBe("ABORT_ERR");
    expect((error as ConnectError).name).toBe("AbortError");
    expect(((error as ConnectError).cause as Error).message).toBe("give up");
    sim.net.heal("c", "s");
    await sim.runFor(100);
    expect(accepted).toBe(0);
    expect(sim.net.openConnections()).toBe(0);
    expect(sim.pendingTimers("net")).toBe(0);
  });

  it("completes after the partition heals", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.net.listen("s:1", () => {});
    sim.net.partition("c", "s");
    let connectedAt = -1;
    sim.spawn("c", async () => {
      await sim.net.connect("c", "s:1");
      connectedAt = sim.now();
    });
    await sim.runFor(50);
    sim.net.heal("c", "s");
    await sim.runFor(10);
    expect(connectedAt).toBe(52);
  });

  it("an abort after the server accepted resets the server end", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.net.setLink("c", "s", { latencyMs: 10 });
    const server: { closed?: string } = {};
    sim.net.listen("s:1", (conn) => {
      conn.setHandlers({ onMessage: () => {}, onClose: (reason) => (server.closed = reason) });
    });
    const controller = new AbortController();
    const result = settled(sim.net.connect("c", "s:1", { signal: controller.signal }));
    await sim.runFor(15);
    controller.abort();
    expect(((await result).error as ConnectError).code).toBe("ABORT_ERR");
    await sim.runFor(20);
    expect(server.closed).toBe("reset");
    expect(sim.net.openConnections()).toBe(0);
  });

  it("an already aborted signal rejects at once; bad arguments throw", async () => {
    const sim = new Simulation({ seed: 1 });
    const { error } = await settled(sim.net.connect("c", "s:1", { signal: AbortSignal.abort() }));
    expect((error as ConnectError).code).toBe("ABORT_ERR");
    expect(() => sim.net.connect("c", "no-port")).toThrow(TypeError);
    expect(() => sim.net.connect("", "s:1")).toThrow(TypeError);
    expect(() => sim.net.setLink("a", "b", { loss: 1 })).toThrow(RangeError);
    expect(() => sim.net.setLink("a", "b", { latencyMs: -1 })).toThrow(RangeError);
  });
});

describe("connection data", () => {
  it("delivers at now + latency without jitter, in order, both ways", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.net.setLink("c", "s", { latencyMs: 4 });
    const { client, server } = await connectPair<string>(sim, "c", "s:1");
    const start = sim.now();
    client.conn.send("a");
    client.conn.send("b");
    server.conn.send("x");
    await sim.runFor(10);
    expect(server.received).toEqual(["a", "b"]);
    expect(server.receivedAt).toEqual([start + 4, start + 4]);
    expect(client.received).toEqual(["x"]);
  });

  it("turns loss into retransmission delay, never into a gap or reordering", async () => {
    const sim = new Simulation({ seed: 9 });
    sim.net.setLink("c", "s", { latencyMs: 2, loss: 0.5 });
    const { client, server } = await connectPair<number>(sim, "c", "s:1");
    const sentAt = sim.now();
    for (let i = 0; i < 50; i++) client.conn.send(i);
    await sim.runFor(100_000);
    expect(server.received).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const delays = server.receivedAt.map((t) => t - sentAt);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2);
    // Some segment was "lost" at least once and paid a retransmission timeout.
    expect(Math.max(...delays)).toBeGreaterThanOrEqual(2 + RETRANSMIT_TIMEOUT_MS);
  });

  it("buffers messages that arrive before setHandlers and delivers them on the next step", async () => {
    const sim = new Simulation({ seed: 1 });
    let serverEnd: import("../../src/index.js").VirtualConnection<string> | undefined;
    sim.net.listen<string>("s:1", (conn) => {
      serverEnd = conn;
    });
    sim.spawn("c", async () => {
      const conn = await sim.net.connect<string>("c", "s:1");
      conn.send("early-1");
      conn.send("early-2");
      conn.close();
    });
    await sim.runFor(10);
    if (serverEnd === undefined) throw new Error("not accepted");
    const rec = record(sim, serverEnd);
    expect(rec.received).toEqual([]);
    await sim.runFor(0);
    expect(rec.received).toEqual(["early-1", "early-2"]);
    expect(rec.closed).toBe("closed");
    expect(sim.now()).toBe(10);
  });

  it("close: the peer gets everything sent before, then onClose('closed'); sends then fail", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.net.setLink("c", "s", { latencyMs: 3, jitterMs: 5 });
    const { client, server } = await connectPair<number>(sim, "c", "s:1");
    for (let i = 0; i < 10; i++) client.conn.send(i);
    client.conn.close();
    expect(client.conn.open).toBe(false);
    expect(client.conn.send(99)).toBe(false);
    client.conn.close();
    await sim.runFor(50);
    expect(server.received).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(server.closed).toBe("closed");
    expect(server.conn.open).toBe(false);
    expect(server.conn.send(1)).toBe(false);
    expect(client.closed).toBeUndefined();
    expect(sim.net.openConnections()).toBe(0);
    expect(sim.pendingTimers("net")).toBe(0);
  });

  it("reset: in-flight data is discarded and the peer gets onClose('reset')", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.net.setLink("c", "s", { latencyMs: 5 });
    const { client, server } = await connectPair<string>(sim, "c", "s:1");
    client.conn.send("lost");
    server.conn.send("also lost");
    await sim.runFor(1);
    client.conn.reset();
    await sim.runFor(20);
    expect(server.received).toEqual([]);
    expect(client.received).toEqual([]);
    expect(server.closed).toBe("reset");
    expect(sim.net.openConnections()).toBe(0);
  });

  it("partition stalls data in order and resumes on heal; hold/release the same", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.net.setLink("c", "s", { latencyMs: 2, jitterMs: 3 });
    const { client, server } = await connectPair<number>(sim, "c", "s:1");
    client.conn.send(1);
    sim.net.partition("c", "s");
    client.conn.send(2);
    server.conn.send(100);
    await sim.runFor(500);
    expect(server.received).toEqual([]);
    expect(client.received).toEqual([]);
    sim.net.heal("c", "s");
    client.conn.send(3);
    await sim.runFor(20);
    expect(server.received).toEqual([1, 2, 3]);
    expect(client.received).toEqual([100]);
    sim.net.hold("s", "c");
    server.conn.send(101);
    client.conn.send(4);
    await sim.runFor(100);
    expect(client.received).toEqual([100]);
    expect(server.received).toEqual([1, 2, 3, 4]);
    sim.net.release("s", "c");
    await sim.runFor(20);
    expect(client.received).toEqual([100, 101]);
  });

  it("a one-way partition blocks only its direction", async () => {
    const sim = new Simulation({ seed: 1 });
    const { client, server } = await connectPair<string>(sim, "c", "s:1");
    sim.net.partition("c", "s", { oneWay: true });
    expect(sim.net.isPartitioned("c", "s")).toBe(true);
    expect(sim.net.isPartitioned("s", "c")).toBe(false);
    client.conn.send("up");
    server.conn.send("down");
    await sim.runFor(100);
    expect(client.received).toEqual(["down"]);
    expect(server.received).toEqual([]);
    sim.net.heal("c", "s");
    await sim.runFor(10);
    expect(server.received).toEqual(["up"]);
  });

  it("traces the lifecycle", async () => {
    const sim = new Simulation({ seed: 1 });
    const { client } = await connectPair<string>(sim, "c", "s:1");
    client.conn.close();
    await sim.runFor(10);
    expect(sim.trace.events.map((e) => e.kind)).toEqual([
      "net.listen",
      "net.connect",
      "net.accept",
      "net.connected",
      "net.close",
      "net.peer-closed",
    ]);
  });
});

describe("livelock through the network", () => {
  it("a zero-latency ping-pong at one instant trips maxEventsPerInstant", async () => {
    const sim = new Simulation({ seed: 1, maxEventsPerInstant: 1000 });
    sim.net.setLink("c", "s", { latencyMs: 0 });
    const { client, server } = await connectPair<number>(sim, "c", "s:1");
    server.conn.setHandlers({ onMessage: (n) => server.conn.send(n + 1), onClose: () => {} });
    client.conn.setHandlers({ onMessage: (n) => client.conn.send(n + 1), onClose: () => {} });
    client.conn.send(0);
    await expect(sim.runFor(10)).rejects.toMatchObject({ code: "LIVELOCK" });
  });
});

describe("simultaneous close", () => {
  it.each([
    ["close", "close"],
    ["close", "reset"],
    ["reset", "reset"],
  ] as const)("crossing %s/%s finishes the connection and leaves no timer", async (a, b) => {
    const sim = new Simulation({ seed: 1 });
    sim.net.setLink("c", "s", { latencyMs: 5 });
    const { client, server } = await connectPair<string>(sim, "c", "s:1");
    client.conn[a]();
    server.conn[b]();
    await sim.runFor(20);
    expect(client.closed).toBeUndefined();
    expect(server.closed).toBeUndefined();
    expect(sim.net.openConnections()).toBe(0);
    expect(sim.pendingTimers("net")).toBe(0);
  });
});

describe("closing the simulation", () => {
  it("rejects pending connects with ECONNRESET and leaves nothing open", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.net.listen("s:1", () => {});
    sim.net.partition("c", "s");
    const pending = settled(sim.net.connect("c", "s:1"));
    await sim.runFor(10);
    await sim.close();
    expect(((await pending).error as ConnectError).code).toBe("ECONNRESET");
    expect(sim.net.openConnections()).toBe(0);
    expect(sim.pendingTimers()).toBe(0);
    expect(() => sim.net.listen("s:2", () => {})).toThrow(/closed/);
  });
});
