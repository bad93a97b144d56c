import type { OwnedClock } from "@dsim/sim-server";
import type { FaultWindow } from "../../suites/refresh/refresh-case.js";
import type { RefreshMonitor } from "./refresh-monitor.js";

/** How one workload call ended. */
export type CallOutcome =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly error: unknown };

/** What the judge needs to know about the URL when a call is made. */
export interface CallContext {
  readonly kind: "fetch" | "refresh";
  readonly url: number;
  /** The version cached when the call was made (`undefined`: none). */
  readonly cachedVersion: number | undefined;
  /** The caller passed a signal that may abort. */
  readonly abortable: boolean;
}

/** A time span in which the server did not answer a URL normally. */
interface Unhealthy {
  readonly url: number;
  readonly from: number;
  readonly to: number;
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : String(error);
}

/**
 * Judges each workload call on its own, against the server's health timeline (the fault windows
 * and the workload's injected faults):
 *
 * - a `fetch` of a URL with a cached value answers at once with that value or a newer one,
 *   whatever is in flight for that URL or others (`refresh.cached-fetch-answers-at-once`);
 * - a `refresh`, or a `fetch` with nothing cached, made after the cooldown with no request
 *   running starts a request, and if the server stays healthy and nobody removes the URL it
 *   succeeds with a response to a request that started after the call (`refresh.per-call-outcome`);
 * - every call settles within the request timeout (`refresh.call-settles-within-timeout`).
 */
export class CallJudge {
  readonly #monitor: RefreshMonitor;
  readonly #clock: OwnedClock;
  readonly #unhealthy: Unhealthy[];

  constructor(monitor: RefreshMonitor, clock: OwnedClock, faults: readonly FaultWindow[]) {
    this.#monitor = monitor;
    this.#clock = clock;
    this.#unhealthy = faults.map((f) => ({ url: f.url, from: f.at, to: f.at + f.durationMs }));
  }

  /** The server misbehaves for `url` in [from, to) (a fault the workload injected). */
  markUnhealthy(url: number, from: number, to: number): void {
    this.#unhealthy.push({ url, from, to });
  }

  #healthy(url: number, from: number, to: number): boolean {
    return !this.#unhealthy.some((w) => w.url === url && w.from <= to && from < w.to);
  }

  /**
   * Makes one call through `invoke` (which calls the refresher) and judges it; resolves with
   * its outcome once it settles.
   */
  call(context: CallContext, invoke: () => Promise<{ version: number }>): Promise<CallOutcome> {
    const m = this.#monitor;
    const { url } = context;
    const t0 = this.#clock.now();
    const epoch = m.epoch(url);
    const last = m.lastRequestAt(url);
    const spec = m.spec(url);
    const expectsRequest =
      m.registered(url) &&
      !m.closed &&
      m.openRequests(url).length === 0 &&
      (last === undefined || t0 - last >= spec.minIntervalMs) &&
      (context.kind === "refresh" || context.cachedVersion === undefined);
    const before = m.requests.length;
    m.callDepth += 1;
    let promise: Promise<{ version: number }>;
    try {
      promise = invoke();
    } finally {
      m.callDepth -= 1;
    }
    const started = m.requests.slice(before).some((r) => r.url === url);
    if (expectsRequest && !started) {
      m.violate("refresh.per-call-outcome", "a call after the cooldown started no request", {
        url,
        kind: context.kind,
        lastRequest: last ?? null,
      });
    }
    let settled = false;
    const deadline = this.#clock.setTimeout(() => {
      if (!settled) {
        m.violate("refresh.call-settles-within-timeout", "a call outlived the request timeout", {
          url,
          kind: context.kind,
          calledAt: t0,
          requestTimeoutMs: spec.requestTimeoutMs,
        });
      }
    }, spec.requestTimeoutMs + 1);
    return promise.then(
      (value): CallOutcome => {
        settled = true;
        this.#clock.clearTimeout(deadline);
        const outcome: CallOutcome = { ok: true, version: value.version };
        this.#judge(context, t0, epoch, expectsRequest, outcome);
        return outcome;
      },
      (error: unknown): CallOutcome => {
        settled = true;
        this.#clock.clearTimeout(deadline);
        const outcome: CallOutcome = { ok: false, error };
        this.#judge(context, t0, epoch, expectsRequest, outcome);
        return outcome;
      },
    );
  }

  #judge(
    context: CallContext,
    t0: number,
    epoch: number,
    expectsRequest: boolean,
    outcome: CallOutcome,
  ): void {
    const m = this.#monitor;
    const { url } = context;
    const now = this.#clock.now();
    const untouched = m.epoch(url) === epoch && !m.closed;
    if (context.kind === "fetch" && context.cachedVersion !== undefined && !context.abortable) {
      const fine = outcome.ok && outcome.version >= context.cachedVersion && now === t0;
      if (!fine && untouched) {
        m.violate(
          "refresh.cached-fetch-answers-at-once",
          "a fetch with a cached value waited or failed",
          {
            url,
            calledAt: t0,
            settledAt: now,
            cachedVersion: context.cachedVersion,
            outcome: outcome.ok ? `v${outcome.version}` : codeOf(outcome.error),
          },
        );
      }
      return;
    }
    if (!expectsRequest || !untouched || context.abortable || !this.#healthy(url, t0, now)) return;
    const served = outcome.ok ? m.served.get(`${url}:${outcome.version}`) : undefined;
    const request = m.requests.find((r) => r.id === served?.requestId);
    if (!outcome.ok || request === undefined || request.at < t0) {
      m.violate(
        "refresh.per-call-outcome",
        "a call after the cooldown against a healthy server did not get a new response",
        {
          url,
          kind: context.kind,
          calledAt: t0,
          outcome: outcome.ok ? `v${outcome.version}` : codeOf(outcome.error),
        },
      );
    }
  }
}
