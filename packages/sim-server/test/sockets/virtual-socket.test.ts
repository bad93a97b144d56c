import { describe, expect, it } from "vitest";
import {
  connectVirtualSocket,
  listenVirtualSockets,
  Simulation,
  type VirtualSocket,
  virtualIpOf,
} from "../../src/index.js";

type NodeLikeError = Error & { code?: string; errno?: number; syscall?: string; port?: number };

/** Records what a socket emits, with the virtual time of each event. */
function watch(
  sim: Simulation,
  socket: VirtualSocket,
): { events: string[]; data: string[]; error?: NodeLikeError } {
  const log: { events: string[]; data: string[]; error?: NodeLikeError } = { events: [], data: [] };
  for (const name of ["connect", "ready", "end", "finish", "close", "timeout", "drain"]) {
    socket.on(name, () => log.events.push(`${name}@${sim.now()}`));
  }
  socket.on("data", (chunk: Buffer) => log.data.push(`${chunk.toString()}@${sim.now()}`));
  socket.on("error", (error: NodeLikeError) => {
    log.error = error;
    log.events.push(`error@${sim.now()}`);
  });
  return log;
}

function pair(
  sim: Simulation,
  latencyMs = 5,
): { server: () => VirtualSocket | undefined; client: VirtualSocket } {
  sim.net.setLink("c", "s", { latencyMs });
  let accepted: VirtualSocket | undefined;
  listenVirtualSockets(sim, "s:7", (socket) => {
    accepted = socket;
  });
  const client = connectVirtualSocket(sim, { host: "s", port: 7, fromHost: "c" });
  return { server: () => accepted, client };
}

describe("VirtualSocket", () => {
  it("is pending until the SYN-ACK, then emits connect and ready; writes made before wait", async () => {
    await using sim = new Simulation({ seed: 1 });
    const { server, client } = pair(sim);
    const log = watch(sim, client);
    expect([client.connecting, client.pending, client.readyState]).toEqual([true, true, "opening"]);
    expect(client.address()).toEqual({});
    client.write("early");
    await sim.runFor(10);
    expect(log.events).toEqual(["connect@10", "ready@10"]);
    expect([client.connecting, client.pending, client.readyState]).toEqual([false, false, "open"]);
    const accepted = server();
    expect(accepted).toBeDefined();
    const serverLog = watch(sim, accepted as VirtualSocket);
    await sim.runFor(5);
    expect(serverLog.data).toEqual(["early@15"]);
    expect(client.remoteAddress).toBe(virtualIpOf("s"));
    expect(client.remotePort).toBe(7);
    expect(client.remoteFamily).toBe("IPv4");
    expect(client.localAddress).toBe(virtualIpOf("c"));
    expect(accepted?.remotePort).toBe(client.localPort);
    expect(accepted?.localPort).toBe(7);
    expect(client.address()).toEqual({
      address: virtualIpOf("c"),
      family: "IPv4",
      port: client.localPort,
    });
    expect(client.bytesWritten).toBe(5);
    expect(accepted?.bytesRead).toBe(5);
    expect(client.setNoDelay(true).noDelay).toBe(true);
    expect(client.setKeepAlive(true, 1000).keepAlive).toBe(true);
    expect(client.ref().unref()).toBe(client);
  });

  it("end() closes gracefully: the peer reads every byte, then EOF; both close; nothing leaks", async () => {
    await using sim = new Simulation({ seed: 1 });
    const { server, client } = pair(sim);
    await sim.runFor(10);
    const accepted = server() as VirtualSocket;
    const serverLog = watch(sim, accepted);
    const clientLog = watch(sim, client);
    client.write("a");
    client.write("b");
    client.end("c");
    await sim.runUntilIdle({ limitMs: 1_000 });
    expect(serverLog.data).toEqual(["a@15", "b@15", "c@15"]);
    expect(serverLog.events).toEqual(["end@15", "finish@15", "close@15"]);
    expect(clientLog.events).toEqual(["finish@10", "end@10", "close@10"]);
    expect(serverLog.error).toBeUndefined();
    expect(sim.net.openConnections()).toBe(0);
    expect(sim.realIo.openCount).toBe(0);
  });

  it("destroy() resets: the peer gets ECONNRESET like Node, in-flight bytes are discarded", async () => {
    await using sim = new Simulation({ seed: 1 });
    const { server, client } = pair(sim);
    await sim.runFor(10);
    const accepted = server() as VirtualSocket;
    const serverLog = watch(sim, accepted);
    client.write("lost");
    client.destroy();
    await sim.runUntilIdle({ limitMs: 1_000 });
    expect(serverLog.data).toEqual([]);
    expect(serverLog.error?.code).toBe("ECONNRESET");
    expect(serverLog.error?.syscall).toBe("read");
    expect(serverLog.error?.errno).toBeLessThan(0);
    expect(serverLog.error?.message).toBe(
      `read ECONNRESET ${virtualIpOf("c")}:${client.localPort}`,
    );
    expect(accepted.destroyed).toBe(true);
    expect(sim.net.openConnections()).toBe(0);
    expect(sim.realIo.openCount).toBe(0);
  });

  it("refused: ECONNREFUSED after one round trip, with Node's message, errno and syscall", async () => {
    await using sim = new Simulation({ seed: 1 });
    sim.net.setLink("c", "s", { latencyMs: 5 });
    const client = connectVirtualSocket(sim, { host: "s", port: 9, fromHost: "c" });
    const log = watch(sim, client);
    await sim.runUntilIdle({ limitMs: 1_000 });
    expect(log.events).toEqual(["error@10", "close@10"]);
    expect(log.error?.code).toBe("ECONNREFUSED");
    expect(log.error?.message).toBe(`connect ECONNREFUSED ${virtualIpOf("s")}:9`);
    expect(log.error?.syscall).toBe("connect");
    expect(log.error?.port).toBe(9);
    expect(log.error).toBeInstanceOf(Error);
    expect(sim.realIo.openCount).toBe(0);
  });

  it("a connect stuck behind a partition fails with ETIMEDOUT after the connect timeout", async () => {
    await using sim = new Simulation({ seed: 1 });
    listenVirtualSockets(sim, "s:7", () => {});
    sim.net.partition("c", "s");
    const client = connectVirtualSocket(sim, {
      host: "s",
      port: 7,
      fromHost: "c",
      connectTimeoutMs: 3_000,
    });
    const log = watch(sim, client);
    await sim.runUntilIdle({ limitMs: 10_000 });
    expect(log.events).toEqual(["error@3000", "close@3000"]);
    expect(log.error?.code).toBe("ETIMEDOUT");
    expect(sim.net.openConnections()).toBe(0);
    expect(sim.timerOwners()).toEqual([]);
  });

  it("setTimeout emits timeout after virtual idle time, re-armed by traffic; the socket stays open", async () => {
    await using sim = new Simulation({ seed: 1 });
    const { server, client } = pair(sim);
    await sim.runFor(10);
    const log = watch(sim, client);
    let viaCallback = -1;
    client.setTimeout(100, () => {
      viaCallback = sim.now();
    });
    expect(client.timeout).toBe(100);
    await sim.runFor(50);
    (server() as VirtualSocket).write("x"); // arrives at 65: re-arms until 165
    await sim.runFor(200);
    expect(log.events).toEqual(["timeout@165"]);
    expect(viaCallback).toBe(165);
    expect(client.destroyed).toBe(false);
    client.setTimeout(0);
    await sim.runFor(500);
    expect(log.events).toEqual(["timeout@165"]);
    expect(() => client.setTimeout(-1)).toThrow(RangeError);
  });

  it("backpressure: write returns false past the high-water mark and drain follows delivery", async () => {
    await using sim = new Simulation({ seed: 1 });
    const { server, client } = pair(sim);
    await sim.runFor(10);
    const serverLog = watch(sim, server() as VirtualSocket);
    const log = watch(sim, client);
    const hwm = client.writableHighWaterMark;
    const big = Buffer.alloc(hwm, 97);
    expect(client.write(big)).toBe(false);
    await sim.runFor(4);
    expect(log.events).toEqual([]);
    await sim.runFor(1);
    expect(log.events).toEqual(["drain@15"]);
    expect(serverLog.data.length).toBe(1);
    expect(client.write("small")).toBe(true);
  });

  it("bytes stuck behind a partition hold the window shut; drain follows the heal", async () => {
    await using sim = new Simulation({ seed: 1 });
    const { server, client } = pair(sim);
    await sim.runFor(10);
    const serverLog = watch(sim, server() as VirtualSocket);
    const log = watch(sim, client);
    sim.net.partition("c", "s");
    const chunk = Buffer.alloc(4_096, 98);
    const accepted: boolean[] = [];
    for (let i = 0; i < 8; i++) accepted.push(client.write(chunk));
    // 16 KiB in flight (the window, like a kernel send buffer) fills with the fourth chunk; later
    // chunks queue in the stream's buffer, and write() says false once that holds 16 KiB too
    // (the fourth chunk, still unacknowledged, counts there as well).
    expect(accepted).toEqual([true, true, true, true, true, true, false, false]);
    expect(client.writableLength).toBe(5 * 4_096);
    await sim.runFor(10_000);
    expect(serverLog.data).toEqual([]);
    expect(log.events).toEqual([]);
    sim.net.heal("c", "s");
    await sim.runFor(20);
    expect(serverLog.data.length).toBe(8);
    // Healed at 10010: the stalled window lands at 10015 and lets the queued four go, which land at
    // 10020; the buffer is empty only then.
    expect(log.events).toEqual(["drain@10020"]);
    expect(client.writableLength).toBe(0);
  });

  it("rejects bad options with clear errors", async () => {
    await using sim = new Simulation({ seed: 1 });
    expect(() => connectVirtualSocket(sim, { host: "", port: 1 })).toThrow(TypeError);
    expect(() => connectVirtualSocket(sim, { host: "s", port: 70_000 })).toThrow(/port must be/);
    expect(() => connectVirtualSocket(sim, { host: "s", port: 1, connectTimeoutMs: -1 })).toThrow(
      /connectTimeoutMs/,
    );
  });
});
