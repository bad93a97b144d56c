import { type KeepAliveSubscription, Lessor } from "@dsim/core";
import { EtcdCluster, InProcessLeaseClient, Simulation } from "@dsim/sim-server";
import type { Bench, BenchOptions } from "./registry.js";

/** One row of the lease benchmark. */
export interface LeaseBenchRow {
  readonly [key: string]: number | string;
  /** What the row measures. */
  readonly scenario: string;
  /** Leases kept alive. */
  readonly leases: number;
  /** Simulated seconds. */
  readonly simulatedS: number;
  /** Wall milliseconds for the simulated span (set-up excluded). */
  readonly wallMs: number;
  /** Simulated time / wall time. */
  readonly speedup: number;
  /** Keep-alive requests the server received in the span. */
  readonly keepAlives: number;
  /** CPU milliseconds (user + system) per 1 000 keep-alives in the span. */
  readonly cpuMsPer1kKeepAlives: number;
  /** Wall milliseconds per simulated minute. */
  readonly wallMsPerSimMinute: number;
}

interface Setup {
  readonly sim: Simulation;
  readonly cluster: EtcdCluster;
  readonly client: InProcessLeaseClient;
  readonly lessor: Lessor;
  readonly subs: KeepAliveSubscription[];
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect !== undefined) collect();
}

/** A 3-member cluster with `n` leases (TTL drawn in [minTtl, maxTtl]) and one subscriber each. */
async function setUp(n: number, minTtl: number, maxTtl: number, seed: number): Promise<Setup> {
  const sim = new Simulation({ seed, keepEvents: false, maxEvents: Number.POSITIVE_INFINITY });
  const cluster = new EtcdCluster(
    { clock: sim.clockFor("etcd"), random: sim.randomFor("etcd"), members: 3 },
    { keepTimes: false },
  );
  const client = new InProcessLeaseClient({
    cluster,
    clock: sim.clockFor("etcd-client"),
    random: sim.randomFor("etcd-client"),
    endpoints: [1, 2, 0],
    latencyMs: 1,
  });
  const lessor = new Lessor({ client, clock: sim.clockFor("lessor") });
  const random = sim.randomFor("bench");
  const ids: bigint[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(cluster.grant(0, { TTL: random.int(minTtl, maxTtl + 1), ID: 0n }).ID);
  }
  const subs = ids.map((id) => lessor.keepAlive(id));
  // Warm-up past the first-response deadline (5 s), whose one-time re-scheduling of every lease
  // would otherwise be billed to the measured span.
  await sim.runFor(7000);
  return { sim, cluster, client, lessor, subs };
}

async function tearDown(setup: Setup): Promise<void> {
  await setup.lessor.close();
  await setup.client.close();
  await setup.cluster.close();
  await setup.sim.close();
}

/**
 * Runs `simulatedMs` of keep-alives in 10 s chunks; every minute drains what consumers buffered,
 * and every 5 minutes injects a fault (leader loss 2 s, leader change, 30 % response drops for
 * 3 s, in turn).
 */
async function measure(
  scenario: string,
  setup: Setup,
  simulatedMs: number,
  faults: boolean,
): Promise<LeaseBenchRow> {
  // Consumers drain only in the fault run: in the scaling rows a drain would be an O(n) cost of
  // the benchmark's own consumers, not of the lessor.
  const { sim, cluster, client, subs } = setup;
  const startRequests = cluster.counters.requests;
  const startCpu = process.cpuUsage();
  const start = performance.now();
  let faultNo = 0;
  for (let t = 0; t < simulatedMs; t += 10_000) {
    if (faults && t > 0 && t % 300_000 === 0) {
      const kind = faultNo++ % 3;
      if (kind === 0) cluster.isolateLeader(2000);
      else if (kind === 1) cluster.transferLeader();
      else {
        client.dropResponses = 0.3;
        sim.clock.setTimeout(() => {
          client.dropResponses = 0;
        }, 3000);
      }
    }
    if (faults && t % 60_000 === 0) {
      for (const sub of subs) while (sub.tryReceive() !== undefined);
    }
    await sim.runFor(Math.min(10_000, simulatedMs - t));
  }
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(startCpu);
  const keepAlives = cluster.counters.requests - startRequests;
  const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
  return {
    scenario,
    leases: subs.length,
    simulatedS: simulatedMs / 1000,
    wallMs: Math.round(wallMs),
    speedup: Math.round(simulatedMs / wallMs),
    keepAlives,
    cpuMsPer1kKeepAlives: round((cpu.user + cpu.system) / 1000 / (keepAlives / 1000), 3),
    wallMsPerSimMinute: round(wallMs / (simulatedMs / 60_000)),
  };
}

/** Heap bytes per idle lease on the lessor side (server leases are created before the baseline). */
async function heapPerLease(n: number): Promise<number> {
  const sim = new Simulation({ seed: 5, keepEvents: false, maxEvents: Number.POSITIVE_INFINITY });
  const cluster = new EtcdCluster(
    { clock: sim.clockFor("etcd"), random: sim.randomFor("etcd"), members: 1 },
    { keepTimes: false },
  );
  const client = new InProcessLeaseClient({
    cluster,
    clock: sim.clockFor("etcd-client"),
    random: sim.randomFor("etcd-client"),
  });
  const lessor = new Lessor({ client, clock: sim.clockFor("lessor") });
  const ids: bigint[] = [];
  for (let i = 0; i < n; i++) ids.push(cluster.grant(0, { TTL: 3600, ID: 0n }).ID);
  lessor.keepAlive(1n).cancel();
  await sim.runFor(1000);
  gc();
  const before = process.memoryUsage().heapUsed;
  const subs = ids.map((id) => lessor.keepAlive(id));
  await sim.runFor(1000);
  gc();
  const after = process.memoryUsage().heapUsed;
  const perLease = (after - before) / n;
  if (subs.length !== n) throw new Error("unreachable");
  await lessor.close();
  await client.close();
  await cluster.close();
  await sim.close();
  return Math.round(perLease);
}

/**
 * Nanoseconds per `Map.get` on number keys, measured in the same process: a yardstick for how
 * loaded the machine is (a few ns on an idle modern core), so absolute numbers can be compared
 * across runs.
 */
function calibrationNs(): number {
  const map = new Map<number, number>();
  for (let i = 0; i < 10_000; i++) map.set(i * 7, i);
  let hits = 0;
  const start = performance.now();
  for (let r = 0; r < 200; r++) {
    for (let i = 0; i < 10_000; i++) if (map.get(i * 7) !== undefined) hits++;
  }
  const ns = ((performance.now() - start) * 1e6) / 2_000_000;
  if (hits !== 2_000_000) throw new Error("unreachable");
  return Math.round(ns * 10) / 10;
}

/**
 * The lessor at scale against the fake etcd (3 members, in-process transport, 1 ms latency):
 * 10 000 leases for 1 simulated hour under faults (target ≤ 10 s wall), then scaling 1 000 →
 * 100 000 leases with short TTLs (cost per keep-alive stays flat: cost follows due leases) and
 * with idle leases (TTL 1 h: wall time stays flat although leases grow 100×).
 */
export const leaseBench: Bench = {
  description: "lessor: 10k leases × 1 simulated hour under faults; scaling 1k→100k (due vs idle)",
  async run({ quick, log }: BenchOptions) {
    const rows: LeaseBenchRow[] = [];
    const hour = quick ? 600_000 : 3_600_000;
    {
      const setup = await setUp(10_000, 10, 60, 1);
      const row = await measure("10k-hour-faults", setup, hour, true);
      await tearDown(setup);
      log(
        `lease 10k × ${hour / 60_000} min: ${row.wallMs} ms wall, ×${row.speedup}, ` +
          `${row.keepAlives} keep-alives, ${row.cpuMsPer1kKeepAlives} ms CPU / 1k`,
      );
      rows.push(row);
    }
    const span = quick ? 60_000 : 300_000;
    for (const n of quick ? [1_000, 10_000] : [1_000, 10_000, 100_000]) {
      const due = await setUp(n, 10, 60, 2);
      rows.push(await measure("scaling-due", due, span, false));
      await tearDown(due);
      const idle = await setUp(n, 3600, 3600, 3);
      rows.push(await measure("scaling-idle", idle, span, false));
      await tearDown(idle);
      log(`lease scaling n=${n} done`);
    }
    const heap = await heapPerLease(quick ? 10_000 : 50_000);
    log(`lease heap per idle lease (lessor side): ${heap} bytes`);
    return {
      rows,
      heapBytesPerIdleLease: heap,
      gcExposed: typeof (globalThis as { gc?: unknown }).gc === "function",
      calibrationNsPerMapGet: calibrationNs(),
    };
  },
};
