import type http2 from "node:http2";
import { sleep } from "@dsim/core";
import { Simulation } from "../../src/kernel/simulation.js";
import { serveGrpcJs, serveHttp2 } from "../../src/sockets/index.js";
import { echoClient, echoServer, get, helloServer, http2Session } from "./helpers.js";

/** Options of {@link runHttp2Workload}. */
export interface Http2WorkloadOptions {
  /** Virtual ms of traffic. */
  readonly durationMs: number;
  /** Also run a grpc-js channel (installSockets + installGlobals) against a grpc-js server. */
  readonly grpc: boolean;
  /** The simulation's `quietTurns` (default: the kernel's). */
  readonly quietTurns?: number;
}

/** What the workload measured. */
export interface Http2WorkloadResult {
  readonly sim: Simulation;
  readonly rpcs: number;
  readonly failures: number;
  /** Every ping's round trip with the one-way base latency and jitter of its link. */
  readonly pings: ReadonlyArray<{
    readonly rtt: number;
    readonly latencyMs: number;
    readonly jitterMs: number;
  }>;
}

const SERVERS = ["api-1", "api-2"] as const;
const CLIENTS = ["c1", "c2", "c3"] as const;

/**
 * http2 RPCs over virtual sockets: three clients with their own sessions send requests at seeded
 * random intervals to two node:http2 servers that answer after a seeded random delay, ping now and
 * then, and live through a partition; optionally a grpc-js channel calls a grpc-js server too.
 * Every outcome (status, date header, body, latency) and every socket's byte counts go into the
 * trace, so any wall-clock leak (e.g. a real `date` header changing HPACK sizes) changes the digest.
 */
export async function runHttp2Workload(
  seed: number,
  options: Http2WorkloadOptions,
): Promise<Http2WorkloadResult> {
  const sim = new Simulation({
    seed,
    traceMessages: true,
    ...(options.quietTurns === undefined ? {} : { quietTurns: options.quietTurns }),
  });
  const random = sim.randomFor("workload");
  for (const c of CLIENTS) {
    for (const s of SERVERS) {
      sim.net.setLink(c, s, { latencyMs: random.int(1, 10), jitterMs: 2 });
    }
  }
  const serverClock = sim.clockFor("servers");
  const serverRandom = sim.randomFor("servers");
  for (const host of SERVERS) {
    const server = helloServer();
    // Answer after a seeded delay: responses of different streams interleave on one session.
    server.prependListener("stream", (stream: http2.ServerHttp2Stream) => {
      stream.pause();
      serverClock.setTimeout(() => stream.resume(), serverRandom.int(0, 20));
    });
    serveHttp2(sim, `${host}:80`, server);
  }
  let rpcs = 0;
  let failures = 0;
  const pings: Array<{ rtt: number; latencyMs: number; jitterMs: number }> = [];
  const sessions: http2.ClientHttp2Session[] = [];
  let stop = false;
  for (const client of CLIENTS) {
    const target = SERVERS[random.int(0, SERVERS.length)] ?? "api-1";
    const session = http2Session(sim, target, 80, client);
    session.on("error", () => {});
    sessions.push(session);
    const clock = sim.clockFor(client);
    const own = sim.randomFor(client);
    sim.spawn(client, async () => {
      for (let i = 0; !stop; i++) {
        await sleep(clock, own.int(0, 200));
        if (stop) break;
        const start = sim.now();
        try {
          const reply = await get(session, `/${client}/${i}`);
          rpcs++;
          sim.trace.record("workload", "rpc", {
            client,
            status: reply.status,
            date: reply.date,
            body: reply.body,
            latency: sim.now() - start,
          });
        } catch (error) {
          failures++;
          sim.trace.record("workload", "rpc-failed", { client, error: String(error) });
        }
        if (i % 10 === 9) {
          const rtt = await new Promise<number>((resolve) => {
            const at = sim.now();
            if (!session.ping(() => resolve(sim.now() - at))) resolve(-1);
          });
          const link = sim.net.linkConfig(client, target);
          pings.push({ rtt, latencyMs: link.latencyMs, jitterMs: link.jitterMs });
          sim.trace.record("workload", "ping", { client, rtt });
        }
      }
    });
  }
  const disposables: Disposable[] = [];
  let grpcDone: (() => void) | undefined;
  if (options.grpc) {
    disposables.push(sim.installGlobals(), sim.installSockets({ fromHost: "grpc-client" }));
    sim.net.setLink("grpc-client", "echo-1", { latencyMs: 3, jitterMs: 1 });
    const server = echoServer();
    const serving = serveGrpcJs(sim, "echo-1:50051", server);
    const client = echoClient("echo-1:50051");
    const clock = sim.clockFor("grpc-client");
    sim.spawn("grpc-client", async () => {
      for (let i = 0; !stop; i++) {
        await sleep(clock, 250);
        if (stop) break;
        const start = sim.now();
        const reply = await new Promise<string>((resolve) =>
          client.Echo(Buffer.from(`e${i}`), (error, value) =>
            resolve(error === null ? String(value) : `error ${error.code}`),
          ),
        );
        rpcs++;
        sim.trace.record("workload", "grpc", { reply, latency: sim.now() - start });
      }
    });
    grpcDone = () => {
      client.close();
      serving.destroy();
      server.forceShutdown();
    };
  }
  try {
    const half = Math.floor(options.durationMs / 2);
    await sim.runFor(half);
    sim.net.partition("c1", "api-1");
    sim.net.partition("c1", "api-2");
    await sim.runFor(2_000);
    sim.net.heal("c1", "api-1");
    sim.net.heal("c1", "api-2");
    await sim.runFor(options.durationMs - half - 2_000);
    stop = true;
    await sim.runUntil(() => sim.pendingTasks().length === 0, { timeoutMs: 60_000 });
    for (const session of sessions) session.close();
    grpcDone?.();
    await sim.runUntil(() => sim.realIo.openCount === 0, { timeoutMs: 60_000 });
    // The last FINs are still on the wire; let them land (bounded).
    await sim.runUntilIdle({ limitMs: 60_000 });
    sim.trace.record("workload", "done", {
      rpcs,
      failures,
      openConnections: sim.net.openConnections(),
      timerOwners: sim.timerOwners(),
    });
  } finally {
    for (const d of disposables.reverse()) d[Symbol.dispose]();
  }
  return { sim, rpcs, failures, pings };
}
