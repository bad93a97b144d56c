import dns from "node:dns";
import http2 from "node:http2";
import net, { connect as esmConnect, createConnection as esmCreateConnection } from "node:net";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import {
  listenVirtualSockets,
  Simulation,
  serveHttp2,
  type VirtualSocket,
  VirtualSocket as VirtualSocketClass,
  virtualIpOf,
} from "../../src/index.js";
import { helloServer } from "./helpers.js";

type NodeLikeError = Error & { code?: string; syscall?: string; hostname?: string };

function errorOf(socket: net.Socket): { error?: NodeLikeError } {
  const box: { error?: NodeLikeError } = {};
  socket.on("error", (error: NodeLikeError) => {
    box.error = error;
  });
  return box;
}

describe("installSockets", () => {
  it("routes net.connect and the ESM bindings to virtual hosts, and restores everything on dispose", async () => {
    const originals = {
      connect: net.connect,
      createConnection: net.createConnection,
      lookup: dns.lookup,
      promisesLookup: dns.promises.lookup,
      resolve4: dns.resolve4,
      resolverResolve4: dns.promises.Resolver.prototype.resolve4,
      tls: tls.connect,
      socketConnect: net.Socket.prototype.connect,
    };
    await using sim = new Simulation({ seed: 1 });
    const received: string[] = [];
    listenVirtualSockets(sim, "db:5432", (socket: VirtualSocket) => {
      socket.on("data", (chunk: Buffer) => received.push(chunk.toString()));
    });
    {
      using _sockets = sim.installSockets();
      // The ESM named bindings follow the patched module (syncBuiltinESMExports).
      const { connect, createConnection } = await import("node:net");
      expect(connect).toBe(net.connect);
      expect(createConnection).toBe(net.createConnection);
      // Static named imports are live bindings: they see the virtual functions too.
      expect(esmConnect).toBe(net.connect);
      expect(esmConnect).not.toBe(originals.connect);
      const byName = net.connect(5432, "db");
      const byIp = connect({ host: virtualIpOf("db"), port: 5432 });
      let connected = 0;
      // Node accepts a port given as digits; so does the router.
      const byCreate = createConnection(
        { host: "db", port: "5432" as unknown as number },
        () => connected++,
      );
      for (const socket of [byName, byIp, byCreate]) {
        expect(socket).toBeInstanceOf(VirtualSocketClass);
        socket.write("hi");
      }
      await sim.runFor(10);
      expect(connected).toBe(1);
      expect(received).toEqual(["hi", "hi", "hi"]);
      for (const socket of [byName, byIp, byCreate]) socket.destroy();
    }
    expect(net.connect).toBe(originals.connect);
    expect(net.createConnection).toBe(originals.createConnection);
    expect(dns.lookup).toBe(originals.lookup);
    expect(dns.promises.lookup).toBe(originals.promisesLookup);
    expect(dns.resolve4).toBe(originals.resolve4);
    expect(dns.promises.Resolver.prototype.resolve4).toBe(originals.resolverResolve4);
    expect(tls.connect).toBe(originals.tls);
    expect(net.Socket.prototype.connect).toBe(originals.socketConnect);
    const { connect: after } = await import("node:net");
    expect(after).toBe(originals.connect);
    // ...and Node's again after dispose.
    expect(esmConnect).toBe(originals.connect);
    expect(esmCreateConnection).toBe(originals.createConnection);
  });

  it("a host that is not on the virtual network is an explicit error, never a real socket", async () => {
    await using sim = new Simulation({ seed: 1 });
    listenVirtualSockets(sim, "db:5432", () => {});
    using _sockets = sim.installSockets();
    const socket = net.connect(443, "example.com");
    const box = errorOf(socket);
    const local = net.connect({ host: "127.0.0.1", port: 80 });
    const localBox = errorOf(local);
    await sim.runFor(1);
    expect(box.error?.code).toBe("ECONNREFUSED");
    expect(box.error?.message).toMatch(/example\.com.*not on the virtual network/);
    expect(localBox.error?.code).toBe("ECONNREFUSED");
    expect(localBox.error?.message).toMatch(/127\.0\.0\.1/);
    expect(() => tls.connect({ host: "db", port: 5432 })).toThrow(/tls\.connect.*not supported/);
    expect(() => net.connect({ path: "/tmp/x.sock" })).toThrow(/IPC path/);
    expect(() => new net.Socket().connect(5432, "db")).toThrow(
      /net\.Socket\(\)\.connect\(db:5432\)/,
    );
    const escapes = sim.trace.events.filter((e) => e.kind === "socket.escape").map((e) => e.data);
    expect(escapes).toEqual([
      { api: "net.connect", target: "example.com:443", reason: "not-virtual" },
      { api: "net.connect", target: "127.0.0.1:80", reason: "not-virtual" },
      { api: "tls.connect", target: "db:5432", reason: "tls" },
      { api: "net.connect", target: "/tmp/x.sock", reason: "ipc" },
      { api: "net.Socket.connect", target: "db:5432", reason: "unroutable" },
    ]);
    expect(sim.realIo.openCount).toBe(0);
  });

  it("DNS answers virtual hosts with their virtual address and never asks real DNS for others", async () => {
    await using sim = new Simulation({ seed: 1 });
    listenVirtualSockets(sim, "etcd-1:2379", () => {});
    using _sockets = sim.installSockets();
    expect(await dns.promises.lookup("etcd-1")).toEqual({
      address: virtualIpOf("etcd-1"),
      family: 4,
    });
    expect(await dns.promises.lookup("etcd-1", { all: true })).toEqual([
      { address: virtualIpOf("etcd-1"), family: 4 },
    ]);
    const viaCallback = await new Promise<string>((resolve, reject) =>
      dns.lookup("etcd-1", (error, address) => (error ? reject(error) : resolve(address))),
    );
    expect(viaCallback).toBe(virtualIpOf("etcd-1"));
    await expect(dns.promises.lookup("nodejs.org")).rejects.toMatchObject({
      code: "ENOTFOUND",
      syscall: "getaddrinfo",
      hostname: "nodejs.org",
    });
    await expect(dns.promises.resolveTxt("etcd-1")).rejects.toMatchObject({ code: "ENODATA" });
    expect(await dns.promises.resolve4("etcd-1")).toEqual([virtualIpOf("etcd-1")]);
    expect(await dns.promises.resolve("etcd-1")).toEqual([virtualIpOf("etcd-1")]);
    expect(await dns.promises.reverse(virtualIpOf("etcd-1"))).toEqual(["etcd-1"]);
    await expect(dns.promises.resolveSrv("etcd-1")).rejects.toMatchObject({
      code: "ENODATA",
      syscall: "querySrv",
    });
    // A Resolver with its own servers (grpc-js' dns://server/ targets) is virtual too.
    const resolver = new dns.promises.Resolver();
    resolver.setServers(["192.0.2.53"]);
    expect(await resolver.resolve4("etcd-1")).toEqual([virtualIpOf("etcd-1")]);
    await expect(resolver.resolve6("nodejs.org")).rejects.toMatchObject({ code: "ENOTFOUND" });
    const viaCallbackResolver = await new Promise<unknown>((resolve) =>
      new dns.Resolver().resolveMx("nodejs.org", (error) => resolve(error)),
    );
    expect(viaCallbackResolver).toMatchObject({ code: "ENOTFOUND", syscall: "queryMx" });
    await expect(dns.promises.lookupService("192.0.2.1", 80)).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
    await expect(dns.promises.resolveTxt("nodejs.org")).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
  });

  it("a plain http2.connect to a virtual host needs no createConnection (node:http2 uses net.connect)", async () => {
    await using sim = new Simulation({ seed: 1 });
    sim.net.setLink("client", "srv", { latencyMs: 4 });
    serveHttp2(sim, "srv:80", helloServer());
    using _sockets = sim.installSockets();
    const session = http2.connect("http://srv:80");
    let settingsAt = -1;
    session.on("remoteSettings", () => {
      settingsAt = sim.now();
    });
    await sim.runUntil(() => settingsAt >= 0, { timeoutMs: 1_000 });
    expect(settingsAt).toBe(8);
    session.destroy();
    await sim.runUntilIdle({ limitMs: 1_000 });
    expect(sim.net.openConnections()).toBe(0);
  });

  it("chooses the source host per connect: localAddress, else the fromHost function", async () => {
    await using sim = new Simulation({ seed: 1 });
    const from: string[] = [];
    listenVirtualSockets(sim, "db:5432", (socket: VirtualSocket) => {
      from.push(socket.remoteHost);
    });
    sim.net.setLink("app-2", "db", { latencyMs: 1 });
    let current = "app-1";
    using _sockets = sim.installSockets({ fromHost: () => current });
    const first = net.connect({ host: "db", port: 5432, timeout: 500, noDelay: true });
    current = "app-3";
    const second = net.connect(5432, "db");
    const third = net.connect({ host: "db", port: 5432, localAddress: virtualIpOf("app-2") });
    await sim.runFor(10);
    expect(from).toEqual(["app-1", "app-3", "app-2"]);
    const vfirst = first as unknown as VirtualSocket;
    expect([vfirst.timeout, vfirst.noDelay]).toEqual([500, true]);
    for (const socket of [first, second, third]) socket.destroy();
  });

  it("validates its options before installing anything", async () => {
    await using sim = new Simulation({ seed: 1 });
    const original = net.connect;
    expect(() => sim.installSockets({ fromHost: "" })).toThrow(/fromHost must be/);
    expect(() => sim.installSockets({ connectTimeoutMs: -1 })).toThrow(/connectTimeoutMs/);
    expect(net.connect).toBe(original);
    using _sockets = sim.installSockets({ fromHost: () => "" });
    listenVirtualSockets(sim, "db:1", () => {});
    expect(() => net.connect(1, "db")).toThrow(/fromHost\(\) must return/);
  });

  it("refuses a second installation", async () => {
    await using sim = new Simulation({ seed: 1 });
    using _sockets = sim.installSockets();
    expect(() => sim.installSockets()).toThrow(/already installed/);
    expect(() => new Simulation({ seed: 2 }).installSockets()).toThrow(/already installed/);
  });
});
