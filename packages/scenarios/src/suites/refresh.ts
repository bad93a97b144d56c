import { getEventListeners } from "node:events";
import type { Simulation, TraceValue } from "@dsim/sim-server";
import { longestRetryDelayMs } from "../invariants/refresh/schedule-oracle.js";
import { InvariantViolation, type Suite } from "../runner/suite.js";
import { LONGEST_MS } from "./refresh/durations.js";
import {
  MIN_SAFETY_MS,
  type RefreshAction,
  type RefreshCase,
  refreshCaseArbitrary,
} from "./refresh/refresh-case.js";
import { RefreshWorld, urlOf } from "./refresh/refresh-world.js";
import { startWorkload, type Workload } from "./refresh/workload.js";

/** After the last fault ends, every active URL must be fresh again within this much virtual time (plus its longest retry delay). */
export const REFRESH_LIVENESS_BOUND_MS = 150_000;
/** How often the observer samples the served values while faults and calls happen (virtual ms). */
export const OBSERVE_EVERY_MS = 250;
/** The sampling period once the busy part is over (long schedules would cost millions of samples). */
const OBSERVE_LATER_EVERY_MS = 600_000;
/**
 * A schedule (or a longest retry) further away than this counts as long: instead of the liveness
 * phase, the horizon phase waits for it, with the short URLs removed.
 */
const LONG_SCHEDULE_MS = 900_000;

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
      backoff: u.backoff === null ? null : { ...u.backoff },
      headers: { ...u.headers },
    })),
    actions: testCase.actions.map((a: RefreshAction) => ({ ...a })),
    faults: testCase.faults.map((f) => ({
      ...f,
      fault: { ...f.fault } as { readonly [k: string]: TraceValue },
    })),
    sink: testCase.sink,
    sharedSignal: testCase.sharedSignal,
    closeAt: testCase.closeAt,
  };
}

/** No refresher listener may stay on a signal a caller passed once its calls have settled. */
function checkCallerSignal(workload: Workload): void {
  const signal = workload.sharedSignal;
  if (signal === undefined) return;
  const listeners = getEventListeners(signal, "abort").length;
  if (listeners !== 0) {
    throw new InvariantViolation(
      "refresh.no-listeners-left-on-caller-signal",
      "listeners stayed on a caller's AbortSignal after its calls settled",
      { listeners },
    );
  }
}

/**
 * Horizon: URLs whose next refresh is days to months away keep it. The others are removed (their
 * short schedules would cost millions of events), then time runs to just past the last long
 * schedule; the monitor judges every background request against the schedule it saw.
 */
async function runHorizon(sim: Simulation, world: RefreshWorld, testCase: RefreshCase) {
  const { refresher, monitor } = world;
  const now = sim.now();
  const due = testCase.urls.map(
    (_, i) => refresher.snapshot().find((s) => s.url === urlOf(i))?.nextRefresh,
  );
  const long = due.filter((d): d is number => d !== undefined && d - now > LONG_SCHEDULE_MS);
  if (long.length === 0) return;
  due.forEach((d, i) => {
    if (d === undefined || d - now <= LONG_SCHEDULE_MS) {
      if (refresher.isRegistered(urlOf(i))) {
        refresher.remove(urlOf(i));
        monitor.onRemoved(i);
      }
    }
  });
  // The monitor learns the kept schedules now, so an early background request is caught as such.
  monitor.checkpointAll();
  const until = Math.min(Math.max(...long), now + LONGEST_MS + 86_400_000);
  await sim.runFor(until - now + 1);
  await sim.runUntil(() => refresher.snapshot().every((s) => !s.reloading), { timeoutMs: 60_000 });
  monitor.checkpointAll();
  throwFirst(world);
  // Not early is judged per request; not late is judged here: each long schedule was kept.
  due.forEach((d, i) => {
    const last = monitor.lastRequestAt(i);
    if (d !== undefined && d <= until && monitor.registered(i) && (last ?? -1) < d - 0.001) {
      throw new InvariantViolation(
        "refresh.fresh-again-after-faults",
        "a long schedule was not kept: no request at its due time",
        { url: i, due: d, lastRequest: last ?? null },
      );
    }
  });
}

/**
 * Runs one case: safety phase (workload + fault windows, invariants checked continuously),
 * liveness phase (faults over: every active URL fresh again within the bound), quiescence (sink
 * accounting), horizon (long schedules fire on time), close (no timers, no requests afterwards).
 * A case with `closeAt` closes during the safety phase and skips to the close checks.
 */
export async function runRefreshCase(sim: Simulation, testCase: RefreshCase): Promise<void> {
  const world = new RefreshWorld(sim, testCase);
  const { refresher, monitor } = world;
  for (let i = 0; i < testCase.urls.length; i += 1) world.configure(i);
  const observerClock = sim.clockFor("observer");
  let observing = true;
  let period = OBSERVE_EVERY_MS;
  const observe = (): void => {
    if (!observing) return;
    monitor.checkpointAll();
    observerClock.setTimeout(observe, period);
  };
  observe();
  const workload = startWorkload(sim, world, testCase);

  // Safety phase.
  const faultsEnd = Math.max(0, ...testCase.faults.map((f) => f.at + f.durationMs));
  const actionsEnd = Math.max(0, ...testCase.actions.map((a) => a.at));
  await sim.runFor(Math.max(MIN_SAFETY_MS, faultsEnd, actionsEnd, testCase.closeAt ?? 0) + 1);
  throwFirst(world);

  if (!workload.closedEarly()) {
    // Liveness phase: faults are over; every URL in use must be fresh again within the bound.
    const healedAt = sim.now();
    // A URL whose retry may be days away is not waited for here (the horizon phase does).
    const waitable = (i: number): boolean =>
      longestRetryDelayMs(monitor.spec(i)) <= LONG_SCHEDULE_MS;
    const stale = (): number[] =>
      testCase.urls
        .map((_, i) => i)
        .filter(
          (i) =>
            monitor.active(i) &&
            waitable(i) &&
            refresher.snapshot().find((s) => s.url === urlOf(i))?.fresh !== true,
        );
    const slowest = Math.max(
      0,
      ...testCase.urls
        .filter((_, i) => waitable(i))
        .map((u) => longestRetryDelayMs(u) + u.requestTimeoutMs),
    );
    observerClock.setTimeout(() => {
      period = OBSERVE_LATER_EVERY_MS;
    }, REFRESH_LIVENESS_BOUND_MS);
    try {
      await sim.runUntil(() => stale().length === 0 && workload.pending() === 0, {
        timeoutMs: REFRESH_LIVENESS_BOUND_MS + slowest,
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
    await sim.runUntil(() => refresher.snapshot().every((s) => !s.reloading), {
      timeoutMs: 60_000,
    });
    monitor.checkSinkAccounting();
    throwFirst(world);
    checkCallerSignal(workload);
    observing = false;
    await runHorizon(sim, world, testCase);
    throwFirst(world);
  } else {
    await sim.runUntil(() => workload.pending() === 0, { timeoutMs: 120_000 });
    throwFirst(world);
    checkCallerSignal(workload);
  }

  // Close: afterwards the refresher owns no timer and makes no request.
  observing = false;
  if (!monitor.closed) {
    monitor.onClosed();
    const calledAt = sim.now();
    await refresher.close();
    monitor.onCloseResolved(calledAt);
  }
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
