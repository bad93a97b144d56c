/**
 * Figures for virtual sockets (not a test; run by hand):
 *   cd packages/sim-server && node --import tsx test/sockets/bench-sockets.ts [virtualSeconds]
 * Prints the virtual-time ping and RPC latencies on a 5 ms link (expected: exactly 10 ms) and the
 * wall cost of the http2 workload (test/sockets/http2-workload.ts) over `virtualSeconds` (default
 * 120), without and with a grpc-js channel.
 */
import { Simulation } from "../../src/kernel/simulation.js";
import { serveGrpcJs, serveHttp2 } from "../../src/sockets/index.js";
import { echoClient, echoServer, get, helloServer, http2Session } from "./helpers.js";
import { runHttp2Workload } from "./http2-workload.js";

async function latencies(): Promise<Record<string, number[]>> {
  const sim = new Simulation({ seed: 1 });
  sim.net.setLink("client", "srv", { latencyMs: 5 });
  sim.net.setLink("client", "echo-1", { latencyMs: 5 });
  serveHttp2(sim, "srv:80", helloServer());
  const session = http2Session(sim, "srv", 80);
  const pings: number[] = [];
  const rpcs: number[] = [];
  const grpcCalls: number[] = [];
  for (let i = 0; i < 5; i++) {
    let rtt = -1;
    const start = sim.now();
    session.ping(() => {
      rtt = sim.now() - start;
    });
    await sim.runUntil(() => rtt >= 0, { timeoutMs: 1_000 });
    pings.push(rtt);
    let done = false;
    const at = sim.now();
    sim.spawn("get", async () => {
      await get(session, "/x");
      rpcs.push(sim.now() - at);
      done = true;
    });
    await sim.runUntil(() => done, { timeoutMs: 1_000 });
  }
  session.close();
  const globals = sim.installGlobals();
  const sockets = sim.installSockets();
  const server = echoServer();
  const serving = serveGrpcJs(sim, "echo-1:50051", server);
  const client = echoClient("echo-1:50051");
  for (let i = 0; i < 5; i++) {
    let done = false;
    const at = sim.now();
    client.Echo(Buffer.from("x"), () => {
      grpcCalls.push(sim.now() - at);
      done = true;
    });
    await sim.runUntil(() => done, { timeoutMs: 5_000 });
  }
  client.close();
  serving.destroy();
  server.forceShutdown();
  await sim.runFor(1_000);
  sockets[Symbol.dispose]();
  globals[Symbol.dispose]();
  await sim.close();
  return {
    "http2 ping rtt": pings,
    "http2 request": rpcs,
    "grpc-js unary (1st connects)": grpcCalls,
  };
}

const seconds = Number(process.argv[2] ?? "120");
console.log("link latency 5 ms one way; virtual ms:", JSON.stringify(await latencies()));
for (const grpc of [false, true]) {
  const started = performance.now();
  const result = await runHttp2Workload(42, { durationMs: seconds * 1_000, grpc });
  const wallMs = performance.now() - started;
  console.log(
    `${seconds} virtual s of http2 traffic${grpc ? " + grpc-js" : ""}: ${(wallMs / 1_000).toFixed(2)} s wall, ${result.rpcs} RPCs, ${result.sim.eventsFired} timer events, ${(seconds / (wallMs / 1_000)).toFixed(1)} simulated s per wall s, digest ${result.sim.trace.digest().slice(0, 12)}`,
  );
  await result.sim.close();
}
