import type { Simulation, TraceValue } from "@dsim/sim-server";
import { InvariantViolation, type Suite } from "../runner/suite.js";
import {
  MIN_SAFETY_MS,
  type RefreshAction,
  type RefreshCase,
  refreshCaseArbitrary,
} from "./refresh/refresh-case.js";
import { RefreshWorld, urlOf } from "./refresh/refresh-world.js";
import { startWorkload } from "./refresh/workload.js";

/** After the last fault ends, every active URL must be fresh again within this much virtual time. */
export const REFRESH_LIVENESS_BOUND_MS = 150_000;
/** How often the observer samples the served values (virtual ms). */
export const OBSERVE_EVERY_MS = 250;

function throwFirst(world: RefreshWorld): void {
  const first = world.monitor.violations[0];
  if (first !== undefined) {
    throw new InvariantViolation(first.invariant, first.message, {
      ...first.details,
      violations: world.monitor.violations.length,
    });
  }
}

function describe(testCase: RefreshCase): TraceValue {
  return {
    urls: testCase.urls.map((u) => ({
      minIntervalMs: u.minIntervalMs,
      intervalMs: u.intervalMs ?? null,
      requestTimeoutMs: u.requestTimeoutMs,
      backoff: u.backoff,
      headers: { ...u.headers },
    })),
    actions: testCase.actions.map((a: RefreshAction) => ({ ...a })),
    faults: testCase.faults.map((f) => ({
      ...f,
      fault: { ...f.fault } as { readonly [k: string]: TraceValue },
    })),
  };
}

/**
 * Runs one case: safety phase (workload + fault windows, invariants checked continuously),
 * liveness phase (faults over: every active URL fresh again within the bound), quiescence (sink
 * accounting), close (no timers, no requests afterwards).
 */
export async function runRefreshCase(sim: Simulation, testCase: RefreshCase): Promise<void> {
  const world = new RefreshWorld(sim, testCase);
  const { refresher, monitor } = world;
  for (let i = 0; i < testCase.urls.length; i += 1) world.configure(i);
  const observerClock = sim.clockFor("observer");
  let observing = true;
  const observe = (): void => {
    if (!observing) return;
    const snapshots = refresher.snapshot();
    testCase.urls.forEach((_, i) => {
      const url = urlOf(i);
      monitor.observe(
        i,
        refresher.peek(url)?.version,
        snapshots.find((s) => s.url === url),
      );
    });
    observerClock.setTimeout(observe, OBSERVE_EVERY_MS);
  };
  observe();
  const workload = startWorkload(sim, world, testCase);

  // Safety phase.
  const faultsEnd = Math.max(0, ...testCase.faults.map((f) => f.at + f.durationMs));
  const actionsEnd = Math.max(0, ...testCase.actions.map((a) => a.at));
  await sim.runFor(Math.max(MIN_SAFETY_MS, faultsEnd, actionsEnd) + 1);
  throwFirst(world);

  // Liveness phase: faults are over; every URL in use must be fresh again within the bound.
  const healedAt = sim.now();
  const stale = (): number[] =>
    testCase.urls
      .map((_, i) => i)
      .filter(
        (i) =>
          monitor.active(i) && refresher.snapshot().find((s) => s.url === urlOf(i))?.fresh !== true,
      );
  try {
    await sim.runUntil(() => stale().length === 0 && workload.pending() === 0, {
      timeoutMs: REFRESH_LIVENESS_BOUND_MS,
    });
  } catch (error) {
    throwFirst(world);
    throw new InvariantViolation(
      "refresh.fresh-again-after-faults",
      "a URL stayed stale after the faults ended",
      {
        healedAt,
        stale: stale(),
        pendingCalls: workload.pending(),
        cause: error instanceof Error ? error.message : String(error),
      },
    );
  }
  // Quiescence: no request in flight, then every failure must have reached the sink.
  await sim.runUntil(() => refresher.snapshot().every((s) => !s.reloading), { timeoutMs: 60_000 });
  monitor.checkSinkAccounting();
  throwFirst(world);

  // Close: afterwards the refresher owns no timer and makes no request.
  observing = false;
  monitor.onClosed();
  await refresher.close();
  const timers = sim.pendingTimers("refresher");
  if (timers !== 0) {
    throw new InvariantViolation("refresh.nothing-after-close", "timers left after close()", {
      timers,
    });
  }
  await sim.runFor(120_000);
  throwFirst(world);
  await world.client.close();
  await world.server.close();
  await sim.runUntilIdle({ limitMs: 60_000 });
  const open = sim.net.openConnections();
  if (open !== 0) {
    throw new InvariantViolation("refresh.nothing-after-close", "connections left open", { open });
  }
}

/**
 * `refresh`: the background refresher (`AutoRefresh`) against a fake JWKS server with dropped,
 * delayed, failing, malformed, truncated, oversized and slow responses, resets and bad caching
 * headers, under a workload of cold bursts, forced refreshes, cancelled waits, removes and
 * re-registrations.
 */
export const refresh: Suite<RefreshCase> = {
  name: "refresh",
  description:
    "JWKS refresher: single flight, rate limit, interval rule, stale-while-failing, liveness",
  defaultRuns: 1_000,
  arbitrary: refreshCaseArbitrary,
  plan: describe,
  run: (sim, testCase) => runRefreshCase(sim, testCase),
};
