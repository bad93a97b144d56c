import type { RefreshFailure, RefreshTargetSnapshot } from "@dsim/core";
import type { TraceValue } from "@dsim/sim-server";
import type { HeaderTemplate, UrlSpec } from "../../suites/refresh/refresh-case.js";
import { expectedDelayMs } from "./interval-oracle.js";

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
  /** Why its signal aborted, if it did. */
  abortReason: unknown;
}

/** A served response: which request got which version with which headers. */
export interface ServedVersion {
  readonly requestId: number;
  readonly template: HeaderTemplate;
}

interface UrlFacts {
  registered: boolean;
  hadValue: boolean;
  lastVersion: number;
  lastRequestAt: number | undefined;
  removedAt: number | undefined;
  requestsInEpoch: number;
  started: number;
  abortedByOwner: number;
  parsedOk: number;
  sinkFailures: number;
}

/** The codes with which the refresher itself cancels requests (not failures of the server). */
function isOwnerAbort(reason: unknown): boolean {
  const code = (reason as { code?: unknown } | null)?.code;
  return code === "URL_NOT_REGISTERED" || code === "CLOSED";
}

/**
 * Watches a refresher from the outside — requests at the HTTP port, values via `peek`, the
 * snapshot, the error sink — and records every broken invariant. Stated per URL; a `remove`
 * ends a registration and a later `configure` starts a new one.
 */
export class RefreshMonitor {
  readonly violations: RefreshViolation[] = [];
  readonly requests: RequestRecord[] = [];
  readonly served = new Map<string, ServedVersion>();
  readonly #facts: UrlFacts[];
  readonly #specs: readonly UrlSpec[];
  readonly #now: () => number;
  #closedAt: number | undefined;
  #coldBurst: { url: number; callers: number; requests: number } | undefined;

  constructor(specs: readonly UrlSpec[], now: () => number) {
    this.#specs = specs;
    this.#now = now;
    this.#facts = specs.map(() => ({
      registered: true,
      hadValue: false,
      lastVersion: -1,
      lastRequestAt: undefined,
      removedAt: undefined,
      requestsInEpoch: 0,
      started: 0,
      abortedByOwner: 0,
      parsedOk: 0,
      sinkFailures: 0,
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

  /** A request left the refresher. Checks removal, close and the rate limit. */
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
    const min = this.#specs[record.url]?.minIntervalMs ?? 0;
    if (f.lastRequestAt !== undefined && record.at - f.lastRequestAt < min) {
      this.violate("refresh.rate-limit", "two requests closer than the minimum interval", {
        url: record.url,
        previous: f.lastRequestAt,
        current: record.at,
        minIntervalMs: min,
      });
    }
    f.lastRequestAt = record.at;
    f.requestsInEpoch += 1;
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

  onParsed(url: number): void {
    this.#fact(url).parsedOk += 1;
  }

  onFailure(url: number, failure: RefreshFailure): void {
    this.#fact(url).sinkFailures += 1;
    void failure;
  }

  onRemoved(url: number): void {
    const f = this.#fact(url);
    f.registered = false;
    f.removedAt = this.#now();
  }

  onConfigured(url: number): void {
    const f = this.#fact(url);
    if (f.registered) return;
    Object.assign(f, {
      registered: true,
      hadValue: false,
      lastVersion: -1,
      lastRequestAt: undefined,
      requestsInEpoch: 0,
    });
  }

  onClosed(): void {
    this.#closedAt = this.#now();
  }

  /** True when the URL is registered and has made a request in this registration. */
  active(url: number): boolean {
    const f = this.#fact(url);
    return f.registered && f.requestsInEpoch > 0;
  }

  /**
   * Compares what the refresher serves now with what it served before: never undefined once a
   * value existed (stale-while-failing), never an older version, and on a new version, the
   * scheduled next refresh follows the interval rule.
   */
  observe(
    url: number,
    version: number | undefined,
    snapshot: RefreshTargetSnapshot | undefined,
  ): void {
    const f = this.#fact(url);
    if (!f.registered) return;
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
        {
          url,
          before: f.lastVersion,
          after: version,
        },
      );
    }
    if (version > f.lastVersion) this.#checkInterval(url, version, snapshot);
    f.lastVersion = Math.max(f.lastVersion, version);
  }

  #checkInterval(url: number, version: number, s: RefreshTargetSnapshot | undefined): void {
    const served = this.served.get(`${url}:${version}`);
    const spec = this.#specs[url];
    if (served === undefined || spec === undefined || s === undefined) return;
    const request = this.requests.find((r) => r.id === served.requestId);
    const newest = this.requests.filter((r) => r.url === url).at(-1);
    // Only the newest request schedules; skip when another one started since (it owns the timer).
    if (request === undefined || newest !== request || s.reloading) return;
    if (s.lastRefresh === undefined || s.nextRefresh === undefined) return;
    const expected = expectedDelayMs(spec, served.template, s.lastRefresh - request.at);
    const actual = s.nextRefresh - s.lastRefresh;
    // Virtual time is fractional (link jitter), so compare to a microsecond, not bit for bit.
    if (Math.abs(actual - expected) > 0.001) {
      this.violate("refresh.interval-rule", "the next refresh does not follow the interval rule", {
        url,
        version,
        expected,
        actual,
        template: { ...served.template },
      });
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
