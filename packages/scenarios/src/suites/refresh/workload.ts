import { isDsimError } from "@dsim/core";
import type { Simulation } from "@dsim/sim-server";
import type { RefreshAction, RefreshCase } from "./refresh-case.js";
import { type RefreshWorld, urlOf, type VersionedKeys } from "./refresh-world.js";

type Outcome =
  | { readonly ok: true; readonly value: VersionedKeys }
  | { readonly ok: false; readonly error: unknown };

function settle(promise: Promise<VersionedKeys>): Promise<Outcome> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** Errors raised by each call itself (no request shared): equal by code, not by identity. */
const PER_CALL_CODES = new Set<unknown>(["COOLING_DOWN", "URL_NOT_REGISTERED", "CLOSED"]);

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** Schedules the case's actions on the workload clock; reports how many calls are still waiting. */
export function startWorkload(
  sim: Simulation,
  world: RefreshWorld,
  testCase: RefreshCase,
): { pending(): number } {
  const clock = sim.clockFor("workload");
  const { refresher, monitor } = world;
  let pending = 0;
  const track = (work: Promise<void>): void => {
    pending += 1;
    void work.finally(() => {
      pending -= 1;
    });
  };

  const burst = (url: number, n: number): Promise<void> => {
    const cold = refresher.peek(urlOf(url)) === undefined;
    // A request leaves the refresher synchronously inside fetch(), so the monitor counts the
    // requests of a cold burst while its calls are being made.
    if (cold) monitor.beginColdBurst(url, n);
    const calls = Array.from({ length: n }, () => settle(refresher.fetch(urlOf(url))));
    monitor.endColdBurst();
    return Promise.all(calls).then((outcomes) => {
      const [first, ...rest] = outcomes;
      if (first === undefined) return;
      for (const other of rest) {
        const same = first.ok
          ? other.ok && other.value.version === first.value.version
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
              first: first.ok ? `v${first.value.version}` : String(codeOf(first.error)),
              other: other.ok ? `v${other.value.version}` : String(codeOf(other.error)),
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
    const impatient = settle(refresher.fetch(urlOf(url), { signal: controller.signal }));
    const patient = settle(refresher.fetch(urlOf(url)));
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
          {
            url,
            requestAborted: hurt,
            otherCallerFailed: leaked,
          },
        );
      }
    });
  };

  const run = (action: RefreshAction): void => {
    const url = urlOf(action.url);
    sim.trace.record("workload", `refresh.${action.kind}`, { ...action });
    switch (action.kind) {
      case "burst":
        track(burst(action.url, action.n));
        return;
      case "refresh":
        track(settle(refresher.refresh(url)).then(() => undefined));
        return;
      case "abort-race":
        track(abortRace(action.url, action.abortAfterMs));
        return;
      case "remove":
        if (refresher.isRegistered(url)) {
          refresher.remove(url);
          monitor.onRemoved(action.url);
        }
        return;
      case "configure":
        world.configure(action.url);
        return;
    }
  };

  for (const action of testCase.actions) clock.setTimeout(() => run(action), action.at);
  return { pending: () => pending };
}
