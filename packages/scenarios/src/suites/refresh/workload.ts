import { isDsimError } from "@dsim/core";
import type { Simulation } from "@dsim/sim-server";
import { CallJudge, type CallOutcome } from "../../invariants/refresh/call-judge.js";
import type { RefreshAction, RefreshCase } from "./refresh-case.js";
import { type RefreshWorld, urlOf } from "./refresh-world.js";

/** Errors raised by each call itself (no request shared): equal by code, not by identity. */
const PER_CALL_CODES = new Set<unknown>(["COOLING_DOWN", "URL_NOT_REGISTERED", "CLOSED"]);

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** The running workload, as the case runner sees it. */
export interface Workload {
  /** Calls still waiting and steps still scheduled. */
  pending(): number;
  /** The signal every call shares when the case says so (never aborted). */
  readonly sharedSignal: AbortSignal | undefined;
  /** True once the workload has closed the refresher (the case's `closeAt`). */
  closedEarly(): boolean;
}

/** Schedules the case's actions on the workload clock. */
export function startWorkload(
  sim: Simulation,
  world: RefreshWorld,
  testCase: RefreshCase,
): Workload {
  const clock = sim.clockFor("workload");
  const { refresher, monitor } = world;
  const judge = new CallJudge(monitor, clock, testCase.faults);
  const shared = testCase.sharedSignal ? new AbortController().signal : undefined;
  const callOptions = shared === undefined ? {} : { signal: shared };
  let pending = 0;
  let closedEarly = false;
  const track = (work: Promise<unknown>): void => {
    pending += 1;
    void work.finally(() => {
      pending -= 1;
    });
  };

  const fetchCall = (url: number, signal?: AbortSignal): Promise<CallOutcome> =>
    judge.call(
      {
        kind: "fetch",
        url,
        cachedVersion: refresher.peek(urlOf(url))?.version,
        abortable: signal !== undefined,
      },
      () => refresher.fetch(urlOf(url), signal === undefined ? callOptions : { signal }),
    );
  const refreshCall = (url: number): Promise<CallOutcome> =>
    judge.call(
      {
        kind: "refresh",
        url,
        cachedVersion: refresher.peek(urlOf(url))?.version,
        abortable: false,
      },
      () => refresher.refresh(urlOf(url), callOptions),
    );

  const burst = (url: number, n: number): Promise<void> => {
    const cold = refresher.peek(urlOf(url)) === undefined;
    // A request leaves the refresher synchronously inside fetch(), so the monitor counts the
    // requests of a cold burst while its calls are being made.
    if (cold) monitor.beginColdBurst(url, n);
    const calls = Array.from({ length: n }, () => fetchCall(url));
    monitor.endColdBurst();
    return Promise.all(calls).then((outcomes) => {
      const [first, ...rest] = outcomes;
      if (first === undefined) return;
      for (const other of rest) {
        const same = first.ok
          ? other.ok && other.version === first.version
          : !other.ok &&
            (PER_CALL_CODES.has(codeOf(first.error))
              ? codeOf(other.error) === codeOf(first.error)
              : other.error === first.error);
        if (!same) {
          monitor.violate(
            "refresh.followers-share-outcome",
            "callers of one fetch got different outcomes",
            {
              url,
              first: first.ok ? `v${first.version}` : String(codeOf(first.error)),
              other: other.ok ? `v${other.version}` : String(codeOf(other.error)),
            },
          );
          return;
        }
      }
    });
  };

  const abortRace = (url: number, abortAfterMs: number): Promise<void> => {
    const controller = new AbortController();
    const reason = new Error("workload gave up");
    const handle = clock.setTimeout(() => controller.abort(reason), abortAfterMs);
    const cold = refresher.peek(urlOf(url)) === undefined;
    if (cold) monitor.beginColdBurst(url, 2);
    const impatient = fetchCall(url, controller.signal);
    const patient = fetchCall(url);
    monitor.endColdBurst();
    return Promise.all([impatient, patient]).then(([a, b]) => {
      clock.clearTimeout(handle);
      const hurt = monitor.requests.some(
        (r) => r.url === url && (r.abortReason === reason || codeOf(r.abortReason) === "ABORTED"),
      );
      const leaked = !b.ok && (b.error === reason || codeOf(b.error) === "ABORTED");
      const wrongOwn =
        !a.ok && controller.signal.aborted && a.error !== reason && !isDsimError(a.error);
      if (hurt || leaked || wrongOwn) {
        monitor.violate(
          "refresh.cancel-affects-only-its-caller",
          "one caller's cancellation reached others",
          { url, requestAborted: hurt, otherCallerFailed: leaked },
        );
      }
    });
  };

  const remove = (url: number): void => {
    if (refresher.isRegistered(urlOf(url))) {
      refresher.remove(urlOf(url));
      monitor.onRemoved(url);
    }
  };

  /** Steps scheduled and not yet run count as pending work too. */
  const later = (ms: number, step: () => void): void => {
    pending += 1;
    clock.setTimeout(() => {
      pending -= 1;
      guarded(step);
    }, ms);
  };

  /** Slow old, fast new: the second refresh starts once the cooldown allows and must win. */
  const overlap = (url: number, slowMs: number): void => {
    const at = clock.now();
    const before = monitor.requests.length;
    track(refreshCall(url));
    // The request is on its way (the network takes time): hold its answer at the server.
    if (monitor.requests.length > before) {
      world.injectNext(url, { kind: "delay", ms: slowMs });
      judge.markUnhealthy(url, at, at + slowMs + monitor.spec(url).requestTimeoutMs);
    }
    // Long cooldowns (days) would hold the case open for nothing: overtake only within a minute.
    const min = monitor.spec(url).minIntervalMs;
    if (min <= 60_000) later(min, () => track(refreshCall(url)));
  };

  /** A refresh in flight, then remove or re-configure, then register again and fetch. */
  const churn = (url: number, removeIt: boolean, changeAfterMs: number, againAfterMs: number) => {
    track(refreshCall(url));
    later(changeAfterMs, () => {
      if (removeIt) remove(url);
      else world.configure(url);
      later(againAfterMs, () => {
        world.configure(url);
        track(fetchCall(url));
      });
    });
  };

  /** A caller that retries after each failure, `gapMs` later, `times` calls in all. */
  const retryLoop = (url: number, times: number, gapMs: number): void => {
    track(
      fetchCall(url).then((outcome) => {
        if (!outcome.ok && times > 1) later(gapMs, () => retryLoop(url, times - 1, gapMs));
      }),
    );
  };

  const closeNow = (): void => {
    closedEarly = true;
    const calledAt = clock.now();
    monitor.onClosed();
    track(refresher.close().then(() => monitor.onCloseResolved(calledAt)));
  };

  const run = (action: RefreshAction): void => {
    sim.trace.record("workload", `refresh.${action.kind}`, { ...action });
    switch (action.kind) {
      case "burst":
        track(burst(action.url, action.n));
        return;
      case "refresh":
        track(refreshCall(action.url));
        return;
      case "abort-race":
        track(abortRace(action.url, action.abortAfterMs));
        return;
      case "remove":
        remove(action.url);
        return;
      case "configure":
        world.configure(action.url);
        return;
      case "overlap":
        overlap(action.url, action.slowMs);
        return;
      case "retry-loop":
        retryLoop(action.url, action.times, action.gapMs);
        return;
      case "churn":
        churn(action.url, action.remove, action.changeAfterMs, action.againAfterMs);
        return;
    }
  };

  /** After close() every call is refused (`CLOSED`); configure throws it synchronously. */
  function guarded(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (!(closedEarly && codeOf(error) === "CLOSED")) throw error;
    }
    // Judge the state right after the action, before anything else happens.
    clock.setTimeout(() => monitor.checkpointAll(), 0);
  }

  for (const action of testCase.actions) later(action.at, () => run(action));
  if (testCase.closeAt !== null) later(testCase.closeAt, closeNow);
  return { pending: () => pending, sharedSignal: shared, closedEarly: () => closedEarly };
}
