import { ClientConn, type MethodDescriptor } from "@dsim/core";
import { Simulation } from "@dsim/sim-server";
import fc from "fast-check";
import { type ConnCase, connPlanArbitrary } from "../suites/conn/conn-case.js";
import { type ConnStack, fakeConnStack } from "../suites/conn/conn-stack.js";
import { runConnCase } from "../suites/conn/run-conn-case.js";
import { ECHO_METHOD } from "../suites/conn/world.js";
import { http2ConnStack } from "../suites/conn-http2/http2-stack.js";
import type { Bench, BenchValue } from "./registry.js";

const identity = { encode: (b: Uint8Array) => b, decode: (b: Uint8Array) => b };
const echo: MethodDescriptor<Uint8Array, Uint8Array> = {
  path: ECHO_METHOD,
  requestCodec: identity,
  responseCodec: identity,
};

const STACKS: readonly { readonly name: string; readonly stack: ConnStack }[] = [
  { name: "fake transport", stack: fakeConnStack },
  { name: "virtual sockets + node:http2", stack: http2ConnStack },
];

/** Runs every case on `stack`; returns simulated and wall ms summed over the cases. */
async function suiteSpeed(
  stack: ConnStack,
  cases: readonly ConnCase[],
): Promise<{ simMs: number; wallMs: number; medianRate: number }> {
  let simMs = 0;
  let wallMs = 0;
  const rates: number[] = [];
  for (const [index, testCase] of cases.entries()) {
    const sim = new Simulation({ seed: index + 1, keepEvents: false });
    const started = performance.now();
    await runConnCase(sim, testCase, stack);
    const caseWallMs = performance.now() - started;
    wallMs += caseWallMs;
    simMs += sim.now();
    rates.push(sim.now() / caseWallMs);
    await sim[Symbol.asyncDispose]();
  }
  rates.sort((a, b) => a - b);
  return { simMs, wallMs, medianRate: rates[Math.floor(rates.length / 2)] ?? 0 };
}

/** Virtual ms of `calls` sequential unary RPCs (no processing time) after a warm-up call. */
async function rpcLatency(
  stack: ConnStack,
  latencyMs: number,
  calls: number,
): Promise<{ meanMs: number; maxMs: number; minMs: number }> {
  const [sample] = fc.sample(connPlanArbitrary, { seed: 1, numRuns: 1 });
  if (sample === undefined) throw new Error("bench sockets: no case");
  // One server, no faults, no processing time: only the network's round trip is left.
  const testCase: ConnCase = {
    ...sample,
    balancer: "pick_first",
    servers: 1,
    latencyMs,
    processingMs: 0,
    keepaliveMs: null,
    rpcs: [],
    faults: [],
  };
  const sim = new Simulation({ seed: 1, keepEvents: false });
  const world = stack.startServers(sim, testCase);
  const dialer = stack.dialer(sim);
  const conn = new ClientConn({
    target: world.addresses[0] ?? "",
    dialer,
    clock: sim.clockFor("conn"),
    random: sim.randomFor("conn"),
  });
  const took: number[] = [];
  let finished = false;
  sim
    .spawn("latency", async () => {
      await conn.unary(echo, new Uint8Array([0]), { waitForReady: true });
      for (let i = 0; i < calls; i++) {
        const start = sim.now();
        await conn.unary(echo, new Uint8Array([i & 0xff]));
        took.push(sim.now() - start);
      }
    })
    .finally(() => {
      finished = true;
    })
    .catch(() => {});
  await sim.runUntil(() => finished, { timeoutMs: 60_000 });
  await conn.close();
  await dialer.close();
  await world.close();
  await sim.runFor(1_000);
  await sim[Symbol.asyncDispose]();
  if (took.length !== calls)
    throw new Error(`bench sockets: ${took.length}/${calls} RPCs finished`);
  return {
    meanMs: took.reduce((a, b) => a + b, 0) / took.length,
    minMs: Math.min(...took),
    maxMs: Math.max(...took),
  };
}

/**
 * `sockets`: the conn suite's own workload (the same generated cases, seed 7) on the fake
 * transport and on virtual sockets + node:http2, side by side: simulated seconds per wall
 * second and their ratio; then the virtual-time latency of sequential unary RPCs against the
 * configured round trip (2 × one-way latency).
 */
export const socketsBench: Bench = {
  description:
    "conn workload on the fake transport vs virtual sockets + node:http2: simulated s per wall s, RPC latency vs configured",
  async run({ quick, log }): Promise<BenchValue> {
    const cases = fc.sample(connPlanArbitrary, { seed: 7, numRuns: quick ? 10 : 40 });
    const rows: { [key: string]: BenchValue }[] = [];
    const speeds: number[] = [];
    const medians: number[] = [];
    for (const { name, stack } of STACKS) {
      log(`sockets: ${cases.length} conn cases on ${name}`);
      const { simMs, wallMs, medianRate } = await suiteSpeed(stack, cases);
      const simSecondsPerWallSecond = simMs / wallMs;
      speeds.push(simSecondsPerWallSecond);
      medians.push(medianRate);
      const latency = await rpcLatency(stack, 5, quick ? 20 : 100);
      rows.push({
        stack: name,
        cases: cases.length,
        wallMs: Math.round(wallMs),
        simSecondsPerWallSecond: Math.round(simSecondsPerWallSecond),
        // A few cases simulate days of backoff in no time: the median case is the typical one.
        medianCaseSimSecondsPerWallSecond: Math.round(medianRate),
        configuredRttMs: 10,
        rpcMeanMs: Number(latency.meanMs.toFixed(3)),
        rpcMinMs: latency.minMs,
        rpcMaxMs: latency.maxMs,
      });
    }
    const [fake, sockets] = speeds;
    const [fakeMedian, socketsMedian] = medians;
    if (fake !== undefined && sockets !== undefined) {
      rows.push({ stack: "sockets / fake (total)", ratio: Number((sockets / fake).toFixed(3)) });
    }
    if (fakeMedian !== undefined && socketsMedian !== undefined) {
      rows.push({
        stack: "sockets / fake (median case)",
        ratio: Number((socketsMedian / fakeMedian).toFixed(3)),
      });
    }
    return rows;
  },
};
