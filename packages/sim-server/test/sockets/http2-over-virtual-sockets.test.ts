import http2 from "node:http2";
import { ServerCredentials } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/simulation.js";
import { serveGrpcJs, serveHttp2 } from "../../src/sockets/index.js";
import { echoClient, echoServer, get, helloServer, http2Session } from "./helpers.js";

describe("node:http2 and grpc-js over virtual sockets", () => {
  it("a ping round trip and a request take exactly two link latencies", async () => {
    await using sim = new Simulation({ seed: 1 });
    sim.net.setLink("client", "srv", { latencyMs: 5 });
    const server = helloServer();
    serveHttp2(sim, "srv:80", server);
    const session = http2Session(sim, "srv", 80);
    let remoteSettingsAt = -1;
    session.on("remoteSettings", () => {
      remoteSettingsAt = sim.now();
    });
    // The server sends SETTINGS as it accepts (SYN arrives at 5 ms); they travel right behind the
    // SYN-ACK and arrive with it, one round trip after the connect started.
    await sim.runUntil(() => remoteSettingsAt >= 0, { timeoutMs: 1_000 });
    expect(remoteSettingsAt).toBe(10);

    const pings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = sim.now();
      let rtt = -1;
      session.ping(() => {
        rtt = sim.now() - start;
      });
      await sim.runUntil(() => rtt >= 0, { timeoutMs: 1_000 });
      pings.push(rtt);
    }
    expect(pings).toEqual([10, 10, 10, 10, 10]);

    const start = sim.now();
    let reply = { status: 0, date: "", body: "" };
    sim.spawn("get", async () => {
      reply = await get(session, "/a");
    });
    await sim.runUntil(() => reply.status !== 0, { timeoutMs: 1_000 });
    expect(sim.now() - start).toBe(10);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe("hello /a");
    // The response date is virtual time (epoch 2025-01-01 + t), not the wall clock.
    expect(reply.date).toBe(new Date(sim.epochMs + start).toUTCString());

    session.close();
    await sim.runUntilIdle({ limitMs: 10_000 });
    expect(sim.realIo.openCount).toBe(0);
    expect(sim.net.openConnections()).toBe(0);
    expect(sim.timerOwners()).toEqual([]);
  });

  it("a grpc-js channel reaches a grpc-js server through installSockets and DNS of virtual hosts", async () => {
    await using sim = new Simulation({ seed: 2 });
    sim.net.setLink("client", "echo-1", { latencyMs: 5 });
    using _globals = sim.installGlobals();
    using _sockets = sim.installSockets();
    const server = echoServer();
    const serving = serveGrpcJs(sim, "echo-1:50051", server);
    const client = echoClient("echo-1:50051");
    const latencies: number[] = [];
    const replies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const start = sim.now();
      let done = false;
      client.Echo(Buffer.from(`m${i}`), (error, reply) => {
        replies.push(error === null ? String(reply) : error.message);
        latencies.push(sim.now() - start);
        done = true;
      });
      await sim.runUntil(() => done, { timeoutMs: 5_000 });
    }
    expect(replies).toEqual(["m0", "m1", "m2", "m3"]);
    // The first call also pays for the connect (one round trip); then one round trip per call.
    expect(latencies).toEqual([20, 10, 10, 10]);
    client.close();
    serving.destroy();
    server.forceShutdown();
    await sim.runFor(1_000);
    expect(sim.realIo.openCount).toBe(0);
    expect(sim.net.openConnections()).toBe(0);
  });
});

describe("date headers come from virtual time", () => {
  it("a grpc-js server served by serveGrpcJs answers with the virtual date, not the real one", async () => {
    await using sim = new Simulation({ seed: 3, epochMs: Date.UTC(2031, 2, 4, 5, 6, 7) });
    sim.net.setLink("client", "echo-1", { latencyMs: 2 });
    const server = echoServer();
    const serving = serveGrpcJs(sim, "echo-1:50051", server);
    await sim.runFor(61_000);
    const session = http2Session(sim, "echo-1", 50051);
    let date = "";
    const req = session.request({
      ":method": "POST",
      ":path": "/test.Echo/Echo",
      "content-type": "application/grpc",
      te: "trailers",
    });
    req.on("response", (headers) => {
      date = String(headers.date);
    });
    req.resume();
    // One gRPC message: uncompressed flag, 4-byte length, 2 bytes of payload.
    req.end(Buffer.from([0, 0, 0, 0, 2, 104, 105]));
    await sim.runUntil(() => date !== "", { timeoutMs: 1_000 });
    expect(date).toBe("Tue, 04 Mar 2031 05:07:08 GMT");
    session.destroy();
    serving.destroy();
    server.forceShutdown();
    await sim.runUntilIdle({ limitMs: 1_000 });
    expect(sim.realIo.openCount).toBe(0);
  });

  it("serveHttp2 refuses a secure server: virtual sockets carry plaintext only", async () => {
    await using sim = new Simulation({ seed: 3 });
    const secure = http2.createSecureServer({});
    expect(() => serveHttp2(sim, "srv:443", secure as unknown as http2.Http2Server)).toThrow(
      /secure server/,
    );
    expect(() => serveHttp2(sim, "srv:80", null as unknown as http2.Http2Server)).toThrow(
      TypeError,
    );
  });

  it("serveGrpcJs refuses TLS credentials: virtual sockets carry plaintext only", async () => {
    await using sim = new Simulation({ seed: 3 });
    const secure = ServerCredentials.createSsl(null, [], false);
    expect(() => serveGrpcJs(sim, "echo-1:50051", echoServer(), secure)).toThrow(/TLS credentials/);
  });
});
