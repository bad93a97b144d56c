import { createJwksRefresh, formatHttpDate } from "@dsim/core";
import { FakeHttpServer, type HttpFault, SimHttpClient, Simulation } from "@dsim/sim-server";
import { fuzzRefreshParsers } from "../suites/refresh/parser-fuzz.js";
import type { Bench, BenchValue } from "./registry.js";

const DAY_MS = 86_400_000;
const MIN_INTERVAL_MS = 60_000;
/** Share of requests that meet a fault. */
const FAULT_RATE = 0.05;
const FAULTS: readonly HttpFault[] = [
  { kind: "status", status: 503 },
  { kind: "drop" },
  { kind: "delay", ms: 5_000 },
  { kind: "reset" },
  { kind: "malformed-json" },
  { kind: "slow-body", chunks: 3, chunkDelayMs: 2_000 },
];

/** One row of the fleet benchmark. */
interface FleetRow {
  readonly [key: string]: number;
  readonly urls: number;
  readonly simulatedHours: number;
  readonly wallMs: number;
  /** Simulated time per wall time. */
  readonly speedUp: number;
  readonly requests: number;
  readonly failures: number;
  /** Mean over URLs of requests / ideal requests (ideal: one per max-age, plus the first). */
  readonly meanRequestsPerIdeal: number;
  /** Largest per-URL ratio. */
  readonly maxRequestsPerIdeal: number;
}

/**
 * `urls` URLs, each with its own `max-age` (60 s – 1 h), refreshed for 24 simulated hours while
 * 5 % of requests meet a fault (503, drop, delay, reset, malformed body, slow body).
 */
async function fleet(urls: number): Promise<FleetRow> {
  const sim = new Simulation({ seed: 1, keepEvents: false, maxEvents: Number.POSITIVE_INFINITY });
  const server = new FakeHttpServer(sim, { address: "jwks:443" });
  const faults = sim.randomFor("faults");
  const sizes = sim.randomFor("max-age");
  const maxAges = Array.from({ length: urls }, () => sizes.int(60, 3_601));
  maxAges.forEach((maxAge, i) => {
    const body = JSON.stringify({ keys: [{ kty: "oct", kid: `k${i}`, k: "AAAA" }] });
    server.route(`/keys/${i}`, () => ({
      status: 200,
      headers: {
        "cache-control": `max-age=${maxAge}`,
        date: formatHttpDate(sim.epochMs + sim.now()),
      },
      body,
    }));
  });
  server.setFaultPolicy(() =>
    faults.chance(FAULT_RATE) ? FAULTS[faults.int(0, FAULTS.length)] : undefined,
  );
  const client = new SimHttpClient(sim, { host: "client" });
  let failures = 0;
  const refresher = createJwksRefresh({
    clock: sim.clockFor("refresher"),
    random: sim.randomFor("refresher"),
    httpClient: client.fetch,
    onError: () => {
      failures += 1;
    },
  });
  const list = maxAges.map((_, i) =>
    refresher.configure(`https://jwks/keys/${i}`, {
      minInterval: MIN_INTERVAL_MS,
      requestTimeout: 10_000,
      backoff: { initialMs: 1_000, maxMs: 300_000 },
    }),
  );
  const started = performance.now();
  // The first fetch of each URL; a failed one is retried by the refresher's own timer.
  for (const url of list) void refresher.fetch(url).catch(() => undefined);
  await sim.runFor(DAY_MS);
  const wallMs = performance.now() - started;
  const perUrl = new Map<string, number>();
  for (const request of server.requests)
    perUrl.set(request.path, (perUrl.get(request.path) ?? 0) + 1);
  const ratios = maxAges.map((maxAge, i) => {
    const ideal = 1 + Math.floor(DAY_MS / (maxAge * 1_000));
    return (perUrl.get(`/keys/${i}`) ?? 0) / ideal;
  });
  await refresher.close();
  await client.close();
  await server.close();
  await sim.close();
  return {
    urls,
    simulatedHours: 24,
    wallMs: Math.round(wallMs),
    speedUp: Math.round(DAY_MS / wallMs),
    requests: server.requests.length,
    failures,
    meanRequestsPerIdeal: Number((ratios.reduce((a, b) => a + b, 0) / ratios.length).toFixed(3)),
    maxRequestsPerIdeal: Number(Math.max(...ratios).toFixed(3)),
  };
}

/**
 * The refresher benchmark: the fleet run (1 000 URLs × 24 simulated hours under faults; 100 with
 * `--quick`) and the parser fuzzers at 100 000 inputs each (10 000 with `--quick`).
 */
export const refreshBench: Bench = {
  description:
    "refresher: 1000 URLs x 24 simulated hours under faults; parser fuzzing (100k inputs each)",
  async run({ quick, log }): Promise<BenchValue> {
    const urls = quick ? 100 : 1_000;
    log(`refresh: ${urls} URLs for 24 simulated hours…`);
    const row = await fleet(urls);
    const runs = quick ? 10_000 : 100_000;
    log(`refresh: fuzzing the parsers with ${runs} inputs each…`);
    const started = performance.now();
    const fuzz = fuzzRefreshParsers(42, runs);
    const fuzzWallMs = Math.round(performance.now() - started);
    return { fleet: [row], fuzz: fuzz.map((r) => ({ ...r })), fuzzWallMs };
  },
};
