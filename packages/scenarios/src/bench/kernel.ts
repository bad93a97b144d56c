import { type Clock, sleep } from "@dsim/core";
import { Sfc32Random, Simulation } from "@dsim/sim-server";
import { createClock } from "@sinonjs/fake-timers";
import type { Bench, BenchOptions } from "./registry.js";

/** One row of the kernel benchmark. */
export interface KernelBenchRow {
  readonly [key: string]: number;
  /** Concurrent tasks. */
  readonly n: number;
  /** Timer events per wall second through `Simulation.runFor`. */
  readonly eventsPerSec: number;
  /** Timer events per wall second through a bare `@sinonjs/fake-timers` `tickAsync` loop. */
  readonly fakeTimersEventsPerSec: number;
  /** eventsPerSec / fakeTimersEventsPerSec. */
  readonly ratio: number;
}

const MAX_DELAY_MS = 100;

/**
 * Starts `n` tasks that each loop `await sleep(clock, 1..100 ms)` with delays from one seeded
 * stream, and returns a counter of completed sleeps (= timer events) plus a stop switch.
 */
function startWorkload(clock: Clock, n: number, seed: number): { events(): number; stop(): void } {
  const random = new Sfc32Random(seed);
  let events = 0;
  let stopped = false;
  for (let i = 0; i < n; i++) {
    void (async () => {
      while (!stopped) {
        await sleep(clock, random.int(1, MAX_DELAY_MS + 1));
        events++;
      }
    })();
  }
  return {
    events: () => events,
    stop: () => {
      stopped = true;
    },
  };
}

/** Result of one kernel measurement. */
interface KernelMeasurement {
  readonly eventsPerSec: number;
  /** CPU time this process used / wall time: well below 1 means the machine was busy. */
  readonly cpuShare: number;
}

/** Events/s through the dsim kernel: `runFor` chunks until `targetEvents` timers fired. */
async function measureKernel(n: number, targetEvents: number): Promise<KernelMeasurement> {
  const sim = new Simulation({ seed: 1, keepEvents: false, maxEvents: Number.POSITIVE_INFINITY });
  const workload = startWorkload(sim.clock, n, 7);
  await sim.runFor(MAX_DELAY_MS); // warm-up: every task has slept once
  const startEvents = workload.events();
  const startCpu = process.cpuUsage();
  const start = performance.now();
  while (workload.events() - startEvents < targetEvents) await sim.runFor(MAX_DELAY_MS);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(startCpu);
  const events = workload.events() - startEvents;
  workload.stop();
  await sim.close();
  return { eventsPerSec: events / seconds, cpuShare: (cpu.user + cpu.system) / 1e6 / seconds };
}

/**
 * Events/s through a bare fake-timers loop on the same workload: `createClock` (not installed on
 * globals) and `tickAsync` chunks, which is how fake-timers lets promise jobs run between timers.
 * Bounded by wall time because it is slow (one real macrotask per timer).
 */
async function measureFakeTimers(n: number, budgetMs: number): Promise<number> {
  const fake = createClock(0);
  const clock: Clock = {
    now: () => fake.now,
    setTimeout: (callback, ms) => fake.setTimeout(callback, ms),
    clearTimeout: (handle) => fake.clearTimeout(handle as ReturnType<typeof fake.setTimeout>),
  };
  const workload = startWorkload(clock, n, 7);
  const start = performance.now();
  const startEvents = workload.events();
  while (performance.now() - start < budgetMs) await fake.tickAsync(10);
  const seconds = (performance.now() - start) / 1000;
  const events = workload.events() - startEvents;
  workload.stop();
  fake.reset();
  return events / seconds;
}

/** Kernel throughput, side by side with bare `@sinonjs/fake-timers`, at N = 10, 1 000, 10 000. */
export const kernelBench: Bench = {
  description: "virtual timer events/s: dsim kernel vs a bare @sinonjs/fake-timers tickAsync loop",
  async run({ quick, log }: BenchOptions) {
    const rows: KernelBenchRow[] = [];
    for (const n of [10, 1_000, 10_000]) {
      const { eventsPerSec, cpuShare } = await measureKernel(n, quick ? 100_000 : 1_000_000);
      const fakeTimersEventsPerSec = await measureFakeTimers(n, quick ? 300 : 1_000);
      const row = {
        n,
        eventsPerSec: Math.round(eventsPerSec),
        fakeTimersEventsPerSec: Math.round(fakeTimersEventsPerSec),
        ratio: Math.round((eventsPerSec / fakeTimersEventsPerSec) * 10) / 10,
      };
      const busy = cpuShare < 0.8 ? " — machine busy, numbers are low" : "";
      log(
        `kernel n=${n}: ${row.eventsPerSec} ev/s vs fake-timers ${row.fakeTimersEventsPerSec} ev/s` +
          ` (the kernel run got ${Math.round(cpuShare * 100)}% of a core, ` +
          `${Math.round(eventsPerSec / cpuShare)} ev per CPU-second${busy})`,
      );
      rows.push(row);
    }
    return rows;
  },
};
