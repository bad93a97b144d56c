import {
  ClientConn,
  type ClientTransport,
  ManualResolver,
  type MethodDescriptor,
  type StreamEnd,
} from "@dsim/core";
import { GrpcDialer, GrpcServer, Simulation } from "@dsim/sim-server";
import type { Bench, BenchValue } from "./registry.js";

const METHOD = "/bench.Echo/Call";
const identity = { encode: (b: Uint8Array) => b, decode: (b: Uint8Array) => b };
const echo: MethodDescriptor<Uint8Array, Uint8Array> = {
  path: METHOD,
  requestCodec: identity,
  responseCodec: identity,
};
const payload = new Uint8Array([1, 2, 3, 4]);

function world() {
  const sim = new Simulation({ seed: 1, keepEvents: false, maxEvents: Number.POSITIVE_INFINITY });
  const server = new GrpcServer(sim, { address: "server:50051" });
  server.addUnaryHandler(METHOD, (request) => request);
  server.start();
  const dialer = new GrpcDialer(sim, { host: "client" });
  return { sim, server, dialer };
}

/** One unary call on a bare transport: open, send, half-close, wait for the end. */
function bareCall(transport: ClientTransport): Promise<StreamEnd> {
  return new Promise<StreamEnd>((resolve) => {
    const stream = transport.openStream({
      method: METHOD,
      metadata: {},
      listener: { onHeaders: () => {}, onMessage: () => {}, onEnd: resolve },
    });
    stream.sendMessage(payload);
    stream.halfClose();
  });
}

/** `rpcs` unary RPCs in waves of `concurrency`; returns wall ms. */
async function throughput(rpcs: number, concurrency: number, viaConn: boolean): Promise<number> {
  const { sim, server, dialer } = world();
  const controller = new AbortController();
  let run: (() => Promise<unknown>) | undefined;
  let conn: ClientConn | undefined;
  if (viaConn) {
    conn = new ClientConn({
      target: server.address,
      dialer,
      clock: sim.clockFor("conn"),
      random: sim.randomFor("conn"),
    });
    const c = conn;
    run = () => c.unary(echo, payload);
  } else {
    let transport: ClientTransport | undefined;
    void sim.spawn("dial", async () => {
      transport = await dialer.dial(server.address, {
        signal: controller.signal,
        listener: { onGoaway: () => {}, onClose: () => {} },
      });
    });
    await sim.runUntil(() => transport !== undefined, { timeoutMs: 60_000 });
    const ready = transport;
    if (ready === undefined) throw new Error("bench: dial did not complete");
    run = () => bareCall(ready);
  }
  const go = run;
  // Warm up (connection, JIT) outside the measurement.
  const warm = sim.spawn("warm", go);
  await sim.runUntil(() => done(warm), { timeoutMs: 60_000 });
  const started = performance.now();
  for (let sent = 0; sent < rpcs; sent += concurrency) {
    const wave = Promise.all(Array.from({ length: Math.min(concurrency, rpcs - sent) }, go));
    const task = sim.spawn("wave", () => wave);
    await sim.runUntil(() => done(task), { timeoutMs: 60_000 });
  }
  const wallMs = performance.now() - started;
  await conn?.close();
  await dialer.close();
  await server.close();
  await sim[Symbol.asyncDispose]();
  return wallMs;
}

const settledPromises = new WeakSet<Promise<unknown>>();
function done(promise: Promise<unknown>): boolean {
  if (!settledPromises.has(promise)) {
    promise.then(
      () => settledPromises.add(promise),
      () => settledPromises.add(promise),
    );
  }
  return settledPromises.has(promise);
}

/** Wall ms to drain `n` READY connections with a graceful GOAWAY (channels or bare transports). */
async function drain(n: number, viaConn: boolean): Promise<{ wallMs: number; idle: number }> {
  const { sim, server, dialer } = world();
  const conns: ClientConn[] = [];
  const transports: ClientTransport[] = [];
  let closed = 0;
  if (viaConn) {
    for (let i = 0; i < n; i++) {
      const conn = new ClientConn({
        resolver: new ManualResolver([server.address]),
        dialer,
        clock: sim.clockFor("conn"),
        random: sim.randomFor(`conn-${i}`),
      });
      conn.connect();
      conns.push(conn);
    }
    await sim.runUntil(() => conns.every((c) => c.getState() === "READY"), { timeoutMs: 60_000 });
  } else {
    for (let i = 0; i < n; i++) {
      void sim.spawn("dial", async () => {
        transports.push(
          await dialer.dial(server.address, {
            signal: new AbortController().signal,
            listener: { onGoaway: () => {}, onClose: () => (closed += 1) },
          }),
        );
      });
    }
    await sim.runUntil(() => transports.length === n, { timeoutMs: 60_000 });
  }
  const started = performance.now();
  server.goaway({ mode: "graceful" });
  await sim.runUntil(
    () =>
      server.openConnections === 0 &&
      (viaConn ? conns.every((c) => c.getState() === "IDLE") : closed === n),
    { timeoutMs: 120_000 },
  );
  const wallMs = performance.now() - started;
  const idle = conns.filter((c) => c.getState() === "IDLE").length;
  for (const conn of conns) await conn.close();
  await dialer.close();
  await server.close();
  await sim[Symbol.asyncDispose]();
  return { wallMs, idle };
}

/**
 * `conn`: (1) unary RPCs per wall second through ClientConn over the fake transport, next to the
 * same RPCs on the bare fake transport (the ratio is ClientConn's overhead); (2) the wall cost of
 * draining 1 000 READY connections with a graceful GOAWAY, through 1 000 ClientConns versus bare
 * transports.
 */
export const connBench: Bench = {
  description: "ClientConn: RPCs/s vs the bare fake transport; cost of draining 1 000 connections",
  async run({ quick, log }): Promise<BenchValue> {
    const rpcs = quick ? 2_000 : 20_000;
    const rows: { [key: string]: number | string }[] = [];
    for (const concurrency of [1, 32]) {
      const bare = await throughput(rpcs, concurrency, false);
      const viaConn = await throughput(rpcs, concurrency, true);
      const row = {
        case: `unary x${rpcs}, concurrency ${concurrency}`,
        bareRpcsPerSec: Math.round((rpcs / bare) * 1000),
        connRpcsPerSec: Math.round((rpcs / viaConn) * 1000),
        connOverBare: Number((bare / viaConn).toFixed(3)),
      };
      log(JSON.stringify(row));
      rows.push(row);
    }
    const n = quick ? 200 : 1_000;
    const bareDrain = await drain(n, false);
    const connDrain = await drain(n, true);
    const drainRow = {
      case: `graceful GOAWAY drain of ${n} connections`,
      bareWallMs: Number(bareDrain.wallMs.toFixed(1)),
      connWallMs: Number(connDrain.wallMs.toFixed(1)),
      connMicrosPerConnection: Number(((connDrain.wallMs * 1000) / n).toFixed(1)),
      connOverBare: Number((connDrain.wallMs / bareDrain.wallMs).toFixed(3)),
      channelsIdleAfter: connDrain.idle,
    };
    log(JSON.stringify(drainRow));
    rows.push(drainRow);
    return rows;
  },
};
