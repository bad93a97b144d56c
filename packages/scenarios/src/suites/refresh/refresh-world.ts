import {
  AutoRefresh,
  type ErrorSink,
  type HttpClient,
  type HttpResponseLike,
  type JsonWebKeySet,
  parseJwks,
} from "@dsim/core";
import { type FetchLike, fetchHttpClient } from "@dsim/core/adapters/fetch";
import {
  type FakeHttpRequest,
  type FakeHttpResponse,
  FakeHttpServer,
  type HttpFault,
  SimHttpClient,
  type Simulation,
} from "@dsim/sim-server";
import { RefreshMonitor, type RequestRecord } from "../../invariants/refresh/refresh-monitor.js";
import { headerFields } from "./header-templates.js";
import {
  MAX_BODY_BYTES,
  type RefreshCase,
  type SinkMode,
  SLOW_SINK_MS,
  type UrlSpec,
} from "./refresh-case.js";

/** The value the suite's refresher caches: the key set and the version the server stamped on it. */
export interface VersionedKeys {
  readonly version: number;
  readonly keys: JsonWebKeySet;
}

/** The server's address; URLs are `https://jwks/keys/<index>`. */
export const SERVER_ADDRESS = "jwks:443";
const REQUEST_ID_HEADER = "x-dsim-request";
/** A request header every URL is configured with; the server checks that it arrives. */
const ACCEPT = "application/jwk-set+json";

/** The URL of the `index`th spec. */
export function urlOf(index: number): string {
  return `https://jwks/keys/${index}`;
}

/** The refresher options of one spec. */
export function urlOptions(spec: UrlSpec, parse: (body: string) => VersionedKeys) {
  return {
    minInterval: spec.minIntervalMs,
    ...(spec.intervalMs === undefined ? {} : { interval: spec.intervalMs }),
    requestTimeout: spec.requestTimeoutMs,
    maxBodyBytes: MAX_BODY_BYTES,
    parse,
    headers: { accept: ACCEPT },
    ...(spec.backoff === null ? {} : { backoff: { ...spec.backoff } }),
  };
}

/**
 * The error sink of one case: it counts every failure for the monitor, then consumes it the way
 * the case says — at once, by throwing, as an async consumer that never finishes, or slowly.
 */
function makeSink(sim: Simulation, mode: SinkMode, record: ErrorSink): ErrorSink {
  const clock = sim.clockFor("sink-consumer");
  switch (mode) {
    case "sync":
      return record;
    case "throws":
      return (failure) => {
        record(failure);
        throw new Error("the sink consumer failed");
      };
    case "never-settles":
      return (failure) => {
        record(failure);
        // An async consumer stuck on a full queue: its promise never settles.
        return new Promise<void>(() => undefined);
      };
    case "slow":
      return (failure) => {
        record(failure);
        return new Promise<void>((resolve) => {
          clock.setTimeout(resolve, SLOW_SINK_MS);
        });
      };
  }
}

/**
 * The world of one case: a fake JWKS server whose every 200 carries an increasing version, the
 * refresher under test speaking through core's fetch adapter to the simulated network, an
 * instrumented port on each side of the adapter, and the monitor that watches all of it.
 */
export class RefreshWorld {
  readonly server: FakeHttpServer;
  readonly client: SimHttpClient;
  readonly refresher: AutoRefresh<VersionedKeys>;
  readonly monitor: RefreshMonitor;
  readonly parsers: ((body: string) => VersionedKeys)[];
  readonly #versions: number[];
  readonly #specs: readonly UrlSpec[];
  /** Faults the workload injects into the next request of a URL (targeted orderings). */
  readonly #injected = new Map<number, HttpFault>();
  /** The request being handed to the adapter (it calls the transport synchronously). */
  #handing: RequestRecord | undefined;
  #nextRequestId = 1;

  constructor(sim: Simulation, testCase: RefreshCase) {
    const now = (): number => sim.now();
    const observer = sim.clockFor("observer");
    this.monitor = new RefreshMonitor(
      testCase.urls,
      now,
      {
        version: (i) => this.refresher.peek(urlOf(i))?.version,
        snapshot: (i) => this.refresher.snapshot().find((s) => s.url === urlOf(i)),
      },
      (check) => {
        observer.setTimeout(check, 0);
      },
    );
    this.#versions = testCase.urls.map(() => 0);
    this.#specs = testCase.urls;
    this.server = new FakeHttpServer(sim, { address: SERVER_ADDRESS });
    testCase.urls.forEach((spec, index) => {
      this.server.route(`/keys/${index}`, (request) => this.#answer(sim, index, spec, request));
    });
    this.server.setFaultPolicy((request) => {
      const index = Number(request.path.slice("/keys/".length));
      const injected = this.#injected.get(index);
      if (injected !== undefined) {
        this.#injected.delete(index);
        return injected;
      }
      const window = testCase.faults.find(
        (w) => w.url === index && w.at <= request.at && request.at < w.at + w.durationMs,
      );
      if (window !== undefined && window.fault.kind === "headers") {
        const version = this.#versions[index] ?? 0;
        const served = this.monitor.served.get(`${index}:${version}`);
        if (served !== undefined) {
          this.monitor.served.set(`${index}:${version}`, {
            ...served,
            template: { kind: "invalid", value: "max-age=1, max-age=600" },
          });
        }
      }
      return window?.fault;
    });
    this.client = new SimHttpClient(sim, { host: "client" });
    this.parsers = testCase.urls.map((_, index) => (body: string) => {
      const keys = parseJwks(body);
      const version = Number((keys.keys[0]?.kid ?? "v-1").slice(1));
      this.monitor.onParsed(index, this.monitor.served.get(`${index}:${version}`)?.requestId ?? 0);
      return { version, keys };
    });
    this.refresher = new AutoRefresh<VersionedKeys>({
      clock: sim.clockFor("refresher"),
      random: sim.randomFor("refresher"),
      httpClient: this.#instrument(now, fetchHttpClient(this.#transport())),
      parse: (body) => ({ version: -1, keys: parseJwks(body) }),
      onError: makeSink(sim, testCase.sink, (failure) => {
        const index = this.indexOf(failure.url);
        if (index >= 0) this.monitor.onFailure(index, failure);
      }),
      // The refresher's log lines go into the trace, so a failing case's trace shows its view.
      logger: {
        log: (level, message, fields) =>
          sim.trace.record("refresher", `log.${level}`, {
            message,
            ...Object.fromEntries(Object.entries(fields ?? {}).map(([k, v]) => [k, String(v)])),
          }),
      },
    });
  }

  /** Registers (or re-registers) the `index`th URL with its options. */
  configure(index: number): void {
    const spec = this.#specs[index];
    const parse = this.parsers[index];
    if (spec === undefined || parse === undefined) throw new RangeError(`no URL ${index}`);
    this.refresher.configure(urlOf(index), urlOptions(spec, parse));
    this.monitor.onConfigured(index);
  }

  /** The next request of URL `index` to reach the server gets `fault`. */
  injectNext(index: number, fault: HttpFault): void {
    this.#injected.set(index, fault);
  }

  /** The spec index of a normalised URL, or -1. */
  indexOf(url: string): number {
    const match = /\/keys\/(\d+)$/.exec(url);
    return match === null ? -1 : Number(match[1]);
  }

  #answer(
    sim: Simulation,
    index: number,
    spec: UrlSpec,
    request: FakeHttpRequest,
  ): FakeHttpResponse {
    const requestId = Number(request.headers.get(REQUEST_ID_HEADER) ?? 0);
    if (request.headers.get("accept") !== ACCEPT || requestId === 0) {
      this.monitor.violate(
        "refresh.request-headers-sent",
        "a configured request header is missing",
        {
          url: index,
          accept: request.headers.get("accept") ?? null,
          requestId,
        },
      );
    }
    const version = (this.#versions[index] ?? 0) + 1;
    this.#versions[index] = version;
    this.monitor.served.set(`${index}:${version}`, { requestId, template: spec.headers });
    return {
      status: 200,
      headers: [
        ["Content-Type", "application/jwk-set+json"],
        ...headerFields(spec.headers, sim.epochMs + sim.now()),
      ],
      body: JSON.stringify({ keys: [{ kty: "oct", kid: `v${version}`, k: "AAAA" }] }),
    };
  }

  /**
   * The transport below core's fetch adapter: the simulated client, noting which signal each
   * request really received and when its response (body included) is over.
   */
  #transport(): FetchLike {
    return (url, init) => {
      // Matched by call order, not by header, so an adapter that drops headers is judged by
      // the header check alone.
      const record = this.#handing;
      this.#handing = undefined;
      if (record !== undefined) record.transportSignal = init.signal;
      const done = (): void => {
        if (record !== undefined && !record.done) this.monitor.onRequestDone(record);
      };
      const response = this.client.fetch(url, { signal: init.signal, headers: init.headers });
      return response.then(
        (r: HttpResponseLike) => {
          const body = r.arrayBuffer?.();
          if (body === undefined) done();
          else body.then(done, done);
          return r;
        },
        (error: unknown) => {
          done();
          throw error;
        },
      );
    };
  }

  /** The refresher's port, above the adapter: records every request and its signal. */
  #instrument(now: () => number, inner: HttpClient): HttpClient {
    return (url, init) => {
      const record: RequestRecord = {
        id: this.#nextRequestId++,
        url: this.indexOf(url),
        at: now(),
        foreground: this.monitor.callDepth > 0,
        signal: init.signal,
        transportSignal: undefined,
        done: false,
        abortReason: undefined,
      };
      this.monitor.onRequest(record);
      init.signal.addEventListener(
        "abort",
        () => {
          this.monitor.onRequestAborted(record, init.signal.reason);
          // Cancelling must reach the transport, or the connection outlives the request.
          queueMicrotask(() => {
            if (!record.done && record.transportSignal?.aborted !== true) {
              this.monitor.violate(
                "refresh.abort-reaches-transport",
                "an aborted request kept running below the fetch adapter",
                { url: record.url, request: record.id },
              );
            }
          });
        },
        { once: true },
      );
      this.#handing = record;
      try {
        return inner(url, {
          signal: init.signal,
          headers: { ...init.headers, [REQUEST_ID_HEADER]: String(record.id) },
        });
      } finally {
        this.#handing = undefined;
      }
    };
  }
}
