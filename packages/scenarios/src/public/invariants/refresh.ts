import type { Violation } from "./violation.js";

/** One request of a refreshing client, as the server saw it (or as its HTTP port saw it). */
export interface RefreshRequest {
  /** Virtual ms it started. */
  readonly at: number;
  /** True when it got a usable response (2xx with a body the client accepted). */
  readonly ok: boolean;
  /** The delay the response asked for before the next refresh (max-age, interval), if any. */
  readonly nextAfterMs?: number;
}

/**
 * `refresh.request-rate`: no two requests closer than `minIntervalMs` — neither while healthy nor
 * while the server fails (a client that re-fetches on every read during an outage fails it).
 */
export function checkRefreshRate(
  requests: readonly RefreshRequest[],
  minIntervalMs: number,
): Violation[] {
  const times = requests.map((r) => r.at).sort((a, b) => a - b);
  for (let k = 1; k < times.length; k++) {
    const gap = (times[k] as number) - (times[k - 1] as number);
    if (gap < minIntervalMs) {
      return [
        {
          invariant: "refresh.request-rate",
          message: `two refresh requests ${gap} ms apart at ${times[k]} ms (minimum ${minIntervalMs} ms)`,
          details: { at: times[k] as number, gapMs: gap, minIntervalMs },
        },
      ];
    }
  }
  return [];
}

/**
 * `refresh.interval-rule`: after a successful response that asked for a delay (`nextAfterMs`,
 * never below `minIntervalMs`), the next request comes neither earlier than that nor later than
 * it plus `slackMs` (a refresher that stops refreshing, or ignores max-age, fails it).
 */
export function checkIntervalRule(
  requests: readonly RefreshRequest[],
  minIntervalMs: number,
  slackMs: number,
  endOfRun: number,
): Violation[] {
  const sorted = [...requests].sort((a, b) => a.at - b.at);
  for (const [k, request] of sorted.entries()) {
    if (!request.ok || request.nextAfterMs === undefined) continue;
    const expected = Math.max(request.nextAfterMs, minIntervalMs);
    const due = request.at + expected;
    const next = sorted[k + 1]?.at;
    if (next !== undefined && next < due) {
      return [
        {
          invariant: "refresh.interval-rule",
          message: `refreshed at ${next} ms, before the ${expected} ms the response at ${request.at} ms asked for`,
          details: { at: next, previous: request.at, expectedMs: expected },
        },
      ];
    }
    if ((next ?? endOfRun) > due + slackMs && (next !== undefined || endOfRun > due + slackMs)) {
      return [
        {
          invariant: "refresh.interval-rule",
          message: `no refresh between ${due} ms and ${due + slackMs} ms after the response at ${request.at} ms (next ${next ?? "never"})`,
          details: { previous: request.at, due, slackMs, next: next ?? null },
        },
      ];
    }
  }
  return [];
}

/** One read of the cached value by the application. */
export interface ValueRead {
  /** Virtual ms of the read. */
  readonly at: number;
  /** True when the application got a value (fresh or stale), false when it got an error. */
  readonly served: boolean;
}

/**
 * `refresh.serves-stale`: once a value was fetched, every read gets a value, even while the
 * server fails (stale-if-error) — the application never sees an outage it could ride out.
 */
export function checkStaleServing(
  reads: readonly ValueRead[],
  firstValueAt: number | undefined,
): Violation[] {
  if (firstValueAt === undefined) return [];
  const failed = reads.find((read) => read.at >= firstValueAt && !read.served);
  if (failed === undefined) return [];
  return [
    {
      invariant: "refresh.serves-stale",
      message: `a read at ${failed.at} ms got an error although a value was fetched at ${firstValueAt} ms`,
      details: { at: failed.at, firstValueAt },
    },
  ];
}

/**
 * `refresh.live-after-heal`: once every fault has healed (at `healedAt`), a successful refresh
 * follows within `boundMs` (if the run lasted that long).
 */
export function checkLivenessAfterHeal(
  requests: readonly RefreshRequest[],
  healedAt: number,
  boundMs: number,
  endOfRun: number,
): Violation[] {
  const deadline = healedAt + boundMs;
  if (endOfRun < deadline) return [];
  const ok = requests.some((r) => r.ok && r.at >= healedAt && r.at <= deadline);
  if (ok) return [];
  return [
    {
      invariant: "refresh.live-after-heal",
      message: `no successful refresh between the heal at ${healedAt} ms and ${deadline} ms`,
      details: { healedAt, deadline },
    },
  ];
}
