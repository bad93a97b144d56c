import type { RefreshFailure, RefreshTargetSnapshot } from "@dsim/core";
import type { TraceValue } from "@dsim/sim-server";
import type { HeaderTemplate, UrlSpec } from "../../suites/refresh/refresh-case.js";
import { expectedDelayMs } from "./interval-oracle.js";
import { latestRetryDelayMs } from "./schedule-oracle.js";

/** One broken invariant, as recorded. */
export interface RefreshViolation {
  readonly invariant: string;
  readonly message: string;
  readonly details: { readonly [key: string]: TraceValue };
}

/** One request as the instrumented HTTP client saw it (the refresher's side of the port). */
export interface RequestRecord {
  readonly id: number;
  readonly url: number;
  readonly at: number;
  /** True when a workload call was being made as the request left (else a timer started it). */
  readonly foreground: boolean;
  /** The signal the refresher gave the request. */
  readonly signal: AbortSignal;
  /** The signal the transport below the fetch adapter received. */
  transportSignal: AbortSignal | undefined;
  /** The response (head and body) arrived, or the transport failed. */
  done: boolean;
  /** Why its signal aborted, if it did. */
  abortReason: unknown;
}

/** A served response: which request got which version with which headers. */
export interface ServedVersion {
  readonly requestId: number;
  readonly template: HeaderTemplate;
}

/** What the monitor reads from the refresher at a checkpoint (never disturbing it). */
export interface RefreshProbe {
  version(url: number): number | undefined;
  snapshot(url: number): RefreshTargetSnapshot | undefined;
}

interface UrlFacts {
  registered: boolean;
  /** Increases on every remove and re-registration. */
  epoch: number;
  hadValue: boolean;
  lastVersion: number;
  lastRequestAt: number | undefined;
  removedAt: number | undefined;
  requestsInEpoch: number;
  started: number;
  abortedByOwner: number;
  parsedOk: number;
  sinkFailures: number;
  /** Failures since the last success of the newest request (this registration). */
  failuresInRow: number;
  /** A failure whose retry schedule the next checkpoint must judge. */
  retryDue: { readonly at: number; readonly failures: number } | undefined;
  /** The latest `nextRefresh` seen at a checkpoint. */
  scheduled: number | undefined;
}

/** The codes with which the refresher itself cancels requests (not failures of the server). */
function isOwnerAbort(reason: unknown): boolean {
  const code = (reason as { code?: unknown } | null)?.code;
  return code === "URL_NOT_REGISTERED" || code === "CLOSED";
}

/** Virtual time is fractional (link jitter): compare to a microsecond, not bit for bit. */
const EPSILON_MS = 0.001;

/**
 * Watches a refresher from the outside — requests at the HTTP port, values via `peek`, the
 * snapshot, the error sink — and records every broken invariant. Stated per URL; a `remove`
 * ends a registration and a later `configure` starts a new one. Each mechanism is judged on its
 * own contract: the rate limit per request, the schedule per checkpoint, the retry per failure.
 */
export class RefreshMonitor {
  readonly violations: RefreshViolation[] = [];
  readonly requests: RequestRecord[] = [];
  readonly served = new Map<string, ServedVersion>();
  readonly #facts: UrlFacts[];
  readonly #specs: readonly UrlSpec[];
  readonly #now: () => number;
  readonly #probe: RefreshProbe;
  readonly #defer: (check: () => void) => void;
  /** Requests whose response parsed (their URL's value may have come from them). */
  readonly #succeeded = new Set<number>();
  #closedAt: number | undefined;
  #coldBurst: { url: number; callers: number; requests: number } | undefined;
  /** Workload calls being made right now (requests leaving meanwhile are foreground). */
  callDepth = 0;

  constructor(
    specs: readonly UrlSpec[],
    now: () => number,
    probe: RefreshProbe,
    defer: (check: () => void) => void,
  ) {
    this.#specs = specs;
    this.#now = now;
    this.#probe = probe;
    this.#defer = defer;
    this.#facts = specs.map(() => ({
      registered: true,
      epoch: 0,
      hadValue: false,
      lastVersion: -1,
      lastRequestAt: undefined,
      removedAt: undefined,
      requestsInEpoch: 0,
      started: 0,
      abortedByOwner: 0,
      parsedOk: 0,
      sinkFailures: 0,
      failuresInRow: 0,
      retryDue: undefined,
      scheduled: undefined,
    }));
  }

  violate(
    invariant: string,
    message: string,
    details: { readonly [key: string]: TraceValue },
  ): void {
    this.violations.push({ invariant, message, details: { ...details, at: this.#now() } });
  }

  #fact(url: number): UrlFacts {
    const facts = this.#facts[url];
    if (facts === undefined) throw new RangeError(`no URL ${url}`);
    return facts;
  }

  /** The URL's spec. */
  spec(url: number): UrlSpec {
    const spec = this.#specs[url];
    if (spec === undefined) throw new RangeError(`no URL ${url}`);
    return spec;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closedAt !== undefined;
  }

  /** The registration counter of `url` (changes on remove and re-registration). */
  epoch(url: number): number {
    return this.#fact(url).epoch;
  }

  /** True while `url` is registered. */
  registered(url: number): boolean {
    return this.#fact(url).registered;
  }

  /** Start time of the last request of this registration, if any. */
  lastRequestAt(url: number): number | undefined {
    return this.#fact(url).lastRequestAt;
  }

  /** Requests of `url` that the refresher still waits for (neither finished nor aborted). */
  openRequests(url: number): RequestRecord[] {
    return this.requests.filter((r) => r.url === url && !r.done && !r.signal.aborted);
  }

  /** A request left the refresher. Checks removal, close, the rate limit and the timer path. */
  onRequest(record: RequestRecord): void {
    this.requests.push(record);
    const f = this.#fact(record.url);
    f.started += 1;
    if (this.#coldBurst?.url === record.url) {
      this.#coldBurst.requests += 1;
      if (this.#coldBurst.requests === 2) {
        this.violate("refresh.single-flight", "concurrent cold fetches made several requests", {
          url: record.url,
          callers: this.#coldBurst.callers,
        });
      }
    }
    if (this.#closedAt !== undefined) {
      this.violate("refresh.nothing-after-close", "a request started after close()", {
        url: record.url,
        closedAt: this.#closedAt,
      });
    }
    if (!f.registered) {
      this.violate("refresh.nothing-after-remove", "a request started for a removed URL", {
        url: record.url,
        removedAt: f.removedAt ?? -1,
      });
    }
    const min = this.spec(record.url).minIntervalMs;
    if (f.lastRequestAt !== undefined && record.at - f.lastRequestAt < min) {
      this.violate("refresh.rate-limit", "two requests closer than the minimum interval", {
        url: record.url,
        previous: f.lastRequestAt,
        current: record.at,
        minIntervalMs: min,
        foreground: record.foreground,
      });
    }
    // The timer path on its own: a request nobody asked for goes no earlier than scheduled.
    if (!record.foreground && f.scheduled !== undefined && record.at < f.scheduled - EPSILON_MS) {
      this.violate(
        "refresh.background-request-on-schedule",
        "a background request started before the scheduled refresh",
        { url: record.url, scheduled: f.scheduled, started: record.at },
      );
    }
    f.lastRequestAt = record.at;
    f.requestsInEpoch += 1;
  }

  /** The request's response finished or its transport failed: judge the state a moment later. */
  onRequestDone(record: RequestRecord): void {
    record.done = true;
    this.#defer(() => this.checkpoint(record.url));
  }

  /** Simultaneous `fetch` calls on a URL without a value start now: they may make one request. */
  beginColdBurst(url: number, callers: number): void {
    this.#coldBurst = { url, callers, requests: 0 };
  }

  /** The calls of the cold burst have all been made. */
  endColdBurst(): void {
    this.#coldBurst = undefined;
  }

  /** The request's signal aborted with `reason`. */
  onRequestAborted(record: RequestRecord, reason: unknown): void {
    record.abortReason = reason;
    if (isOwnerAbort(reason)) this.#fact(record.url).abortedByOwner += 1;
  }

  /** A 200 body of `url` parsed; `requestId` is the request it answered (0 if unknown). */
  onParsed(url: number, requestId: number): void {
    const f = this.#fact(url);
    f.parsedOk += 1;
    this.#succeeded.add(requestId);
    const newest = this.requests.filter((r) => r.url === url).at(-1);
    if (newest?.id === requestId) f.failuresInRow = 0;
  }

  /** The sink received `failure`; the retry schedule is judged at the next checkpoint. */
  onFailure(url: number, failure: RefreshFailure): void {
    const f = this.#fact(url);
    f.sinkFailures += 1;
    f.failuresInRow += 1;
    f.retryDue = { at: failure.at, failures: f.failuresInRow };
    this.#defer(() => this.checkpoint(url));
  }

  onRemoved(url: number): void {
    const f = this.#fact(url);
    f.registered = false;
    f.epoch += 1;
    f.removedAt = this.#now();
    f.scheduled = undefined;
    f.retryDue = undefined;
    // remove() ends the registration: its requests can no longer be used and must be cancelled.
    queueMicrotask(() => {
      const open = this.openRequests(url).filter((r) => r.at <= (f.removedAt ?? 0));
      if (open.length > 0) {
        this.violate("refresh.remove-cancels-requests", "requests still running after remove()", {
          url,
          open: open.map((r) => r.id),
        });
      }
    });
  }

  onConfigured(url: number): void {
    const f = this.#fact(url);
    if (f.registered) return;
    Object.assign(f, {
      registered: true,
      epoch: f.epoch + 1,
      hadValue: false,
      lastVersion: -1,
      lastRequestAt: undefined,
      requestsInEpoch: 0,
      failuresInRow: 0,
      retryDue: undefined,
      scheduled: undefined,
    });
  }

  onClosed(): void {
    this.#closedAt = this.#now();
  }

  /** `close()` resolved: it must not have waited for the server, nor left a request running. */
  onCloseResolved(calledAt: number): void {
    const open = this.requests.filter((r) => !r.done && !r.signal.aborted);
    if (open.length > 0 || this.#now() > calledAt + EPSILON_MS) {
      this.violate("refresh.close-cancels-requests", "close() left requests running or waited", {
        open: open.map((r) => r.id),
        calledAt,
        resolvedAt: this.#now(),
      });
    }
  }

  /** True when the URL is registered and has made a request in this registration. */
  active(url: number): boolean {
    const f = this.#fact(url);
    return f.registered && f.requestsInEpoch > 0;
  }

  /** Judges every URL now. */
  checkpointAll(): void {
    this.#specs.forEach((_, url) => {
      this.checkpoint(url);
    });
  }

  /**
   * Compares what the refresher serves now with what it served before: never undefined once a
   * value existed (stale-while-failing), never an older version; and judges the schedule: never
   * closer than the minimum interval to the last request, following the interval rule for the
   * newest response, a retry planned after each failure within the backoff bound.
   */
  checkpoint(url: number): void {
    const f = this.#fact(url);
    if (!f.registered || this.#closedAt !== undefined) return;
    const version = this.#probe.version(url);
    const snapshot = this.#probe.snapshot(url);
    if (snapshot !== undefined) this.#checkSchedule(url, f, snapshot);
    if (version === undefined) {
      if (f.hadValue) {
        this.violate("refresh.stale-served-while-failing", "the cached value disappeared", {
          url,
          lastVersion: f.lastVersion,
        });
      }
      return;
    }
    f.hadValue = true;
    if (version < f.lastVersion) {
      this.violate(
        "refresh.newer-never-replaced-by-older",
        "an older response replaced a newer value",
        { url, before: f.lastVersion, after: version },
      );
    }
    if (snapshot !== undefined)
      this.#checkInterval(url, version, version > f.lastVersion, snapshot);
    f.lastVersion = Math.max(f.lastVersion, version);
  }

  #checkSchedule(url: number, f: UrlFacts, s: RefreshTargetSnapshot): void {
    const spec = this.spec(url);
    const idle = this.openRequests(url).length === 0;
    if (s.nextRefresh !== undefined) {
      f.scheduled = s.nextRefresh;
      // Judged once no request runs: a forced refresh in flight may sit before an older timer,
      // which the timer path then defers (its own guard, judged by the rate limit).
      const floor = (f.lastRequestAt ?? 0) + spec.minIntervalMs;
      if (idle && f.lastRequestAt !== undefined && s.nextRefresh < floor - EPSILON_MS) {
        this.violate(
          "refresh.schedule-floor",
          "a refresh is scheduled inside the minimum interval",
          {
            url,
            lastRequest: f.lastRequestAt,
            nextRefresh: s.nextRefresh,
            minIntervalMs: spec.minIntervalMs,
          },
        );
      }
    }
    const due = f.retryDue;
    if (due === undefined || !idle) return;
    f.retryDue = undefined;
    // Only the newest request plans the next one; an older failure after a newer success does not.
    const newest = this.requests.filter((r) => r.url === url).at(-1);
    if (newest === undefined || this.#succeeded.has(newest.id)) return;
    const latest = latestRetryDelayMs(spec, due.failures);
    if (s.nextRefresh === undefined || s.nextRefresh > due.at + latest + EPSILON_MS) {
      this.violate(
        "refresh.retry-scheduled-after-failure",
        s.nextRefresh === undefined
          ? "no retry is scheduled after a failure"
          : "the retry after a failure is scheduled later than the backoff allows",
        {
          url,
          failedAt: due.at,
          failuresInRow: due.failures,
          nextRefresh: s.nextRefresh ?? null,
          latest: due.at + latest,
        },
      );
    }
  }

  #checkInterval(url: number, version: number, isNew: boolean, s: RefreshTargetSnapshot): void {
    const served = this.served.get(`${url}:${version}`);
    const spec = this.spec(url);
    if (served === undefined) return;
    const request = this.requests.find((r) => r.id === served.requestId);
    const newest = this.requests.filter((r) => r.url === url).at(-1);
    // Only the newest request schedules; skip while another one runs or failed since.
    if (request === undefined || newest !== request || s.reloading || s.lastError !== undefined) {
      return;
    }
    if (s.lastRefresh === undefined || s.nextRefresh === undefined) return;
    const expected = expectedDelayMs(spec, served.template, s.lastRefresh - request.at);
    const actual = s.nextRefresh - s.lastRefresh;
    if (Math.abs(actual - expected) > EPSILON_MS) {
      this.violate(
        isNew ? "refresh.interval-rule" : "refresh.schedule-follows-newest",
        isNew
          ? "the next refresh does not follow the interval rule"
          : "the schedule no longer follows the newest response",
        { url, version, expected, actual, template: { ...served.template } },
      );
    }
  }

  /** Every failed request (not cancelled by remove/close) reached the sink exactly once. */
  checkSinkAccounting(): void {
    this.#facts.forEach((f, url) => {
      const expected = f.started - f.abortedByOwner - f.parsedOk;
      if (f.sinkFailures !== expected) {
        this.violate(
          "refresh.every-error-reaches-sink",
          "failed requests and sink deliveries differ",
          {
            url,
            started: f.started,
            abortedByRefresher: f.abortedByOwner,
            parsedOk: f.parsedOk,
            sinkFailures: f.sinkFailures,
          },
        );
      }
    });
  }
}
