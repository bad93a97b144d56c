/**
 * One client of the real-etcd benchmark, alone in its process so that `process.cpuUsage()` and
 * `process.memoryUsage()` are that client's: `node --expose-gc child.mjs '<ChildConfig>'`, where
 * child.mjs is this file bundled to plain JavaScript (`bundleChild`), as production runs compiled
 * code. Prints `{"marker":"window-start"}`, `{"marker":"window-end"}` and one {@link ChildResult} line
 * on stdout; exits 1 with a message on stderr when anything fails or takes too long.
 */
import type { LeaseDriver } from "./driver.js";
import { type ChildConfig, type ChildMarker, type ChildResult, CLIENT_KINDS } from "./protocol.js";
import { checkTimeToLive } from "./time-to-live.js";
import { startWindowProfile, type WindowProfile } from "./window-profiler.js";

const MB = 1024 * 1024;
/** Budget for granting and establishing every lease: a stuck lease must fail the run, not hang it. */
const ESTABLISH_TIMEOUT_MS = 120_000;

function parseConfig(raw: string | undefined): ChildConfig {
  if (raw === undefined) throw new TypeError("usage: child.ts '<ChildConfig JSON>'");
  const config = JSON.parse(raw) as ChildConfig;
  if (!CLIENT_KINDS.includes(config.client)) {
    throw new TypeError(`unknown client ${String(config.client)}`);
  }
  if (!Number.isSafeInteger(config.leases) || config.leases < 1) {
    throw new RangeError(`leases must be a positive integer, got ${config.leases}`);
  }
  return config;
}

/**
 * Loads only the client under test and returns its constructor: another client's modules would
 * enlarge this process's heap, and every collection in the window would pay for marking them.
 */
async function loadDriver(config: ChildConfig): Promise<() => LeaseDriver> {
  switch (config.client) {
    case "core-http2": {
      const { CoreDriver } = await import("./core-driver.js");
      return () => new CoreDriver("http2", config.addresses);
    }
    case "core-grpc-js": {
      const { CoreDriver } = await import("./core-driver.js");
      return () => new CoreDriver("grpc-js", config.addresses);
    }
    case "http2-bare": {
      const { BareHttp2Driver } = await import("./bare-driver.js");
      return () => new BareHttp2Driver(config.addresses);
    }
    case "etcd3": {
      const { Etcd3Driver } = await import("./etcd3-driver.js");
      return () => new Etcd3Driver(config.addresses);
    }
  }
}

function emit(line: ChildMarker | ChildResult): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function gcHeapUsed(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error("run the child with --expose-gc");
  collect();
  return process.memoryUsage().heapUsed;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(config: ChildConfig): Promise<ChildResult> {
  const makeDriver = await loadDriver(config);
  const heapBefore = gcHeapUsed();
  const rssBase = process.memoryUsage().rss;
  const driver = makeDriver();
  try {
    const establishStart = performance.now();
    const ids = await withDeadline(
      driver.establish(config.leases, config.ttlS),
      ESTABLISH_TIMEOUT_MS,
      `establishing ${config.leases} leases`,
    );
    const establishMs = performance.now() - establishStart;
    // The grants leave garbage behind (a thousand unary calls); collected now, it is not charged
    // to the keep-alives of the window through the collections that would reclaim it there.
    gcHeapUsed();
    const warmupCpu0 = process.cpuUsage();
    const warmupBefore = driver.counters();
    await sleep(config.warmupMs);
    const warmupCpu = process.cpuUsage(warmupCpu0);
    const warmupResponses = driver.counters().responses - warmupBefore.responses;

    emit({ marker: "window-start" });
    const profile: WindowProfile | undefined =
      config.cpuProfileDir === undefined
        ? undefined
        : await startWindowProfile(config.cpuProfileDir, config.client);
    const cpu0 = process.cpuUsage();
    const switches0 = process.resourceUsage().voluntaryContextSwitches;
    const t0 = performance.now();
    const before = driver.counters();
    let heapPeak = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }, 1000);
    await sleep(config.durationMs);
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpu0);
    const wakeups = process.resourceUsage().voluntaryContextSwitches - switches0;
    const windowMs = performance.now() - t0;
    const after = driver.counters();
    const rssWindowEnd = process.memoryUsage().rss;
    await profile?.stop();
    emit({ marker: "window-end" });
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    // After the CPU snapshot: neither the GC nor the check below is charged to the client.
    const heapRetained = gcHeapUsed() - heapBefore;
    const check = await checkTimeToLive(config.addresses, ids);

    await driver.close();
    const total = process.cpuUsage();
    return {
      client: config.client,
      establishMs: Math.round(establishMs),
      warmupCpuMs: Math.round((warmupCpu.user + warmupCpu.system) / 1000),
      warmupResponses,
      windowMs: Math.round(windowMs),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      cpuUs: cpu.user + cpu.system,
      cpuUserMs: Math.round(cpu.user / 1000),
      wakeups,
      cpuTotalMs: Math.round((total.user + total.system) / 1000),
      rssPeakMb: round1((process.resourceUsage().maxRSS * 1024) / MB),
      rssBaseMb: round1(rssBase / MB),
      rssWindowEndMb: round1(rssWindowEnd / MB),
      heapPeakMb: round1(heapPeak / MB),
      heapRetainedMb: round1(heapRetained / MB),
      responses: after.responses - before.responses,
      clientStreams: after.streams,
      lost: after.lost,
      expired: check.expired,
      minTtlLeftS: check.minTtlLeftS,
    };
  } finally {
    await driver.close();
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

try {
  emit(await main(parseConfig(process.argv[2])));
  process.exitCode = 0;
} catch (error) {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
