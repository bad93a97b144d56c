import {
  AutoRefresh,
  formatHttpDate,
  type HttpClient,
  type JsonWebKeySet,
  parseJwks,
} from "@dsim/core";
import {
  type FakeHttpResponse,
  FakeHttpServer,
  type HeaderField,
  SimHttpClient,
  type Simulation,
} from "@dsim/sim-server";
import { RefreshMonitor } from "../../invariants/refresh/refresh-monitor.js";
import {
  type HeaderTemplate,
  MAX_BODY_BYTES,
  type RefreshCase,
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

/** The URL of the `index`th spec. */
export function urlOf(index: number): string {
  return `https://jwks/keys/${index}`;
}

function headerFields(template: HeaderTemplate, nowMs: number): HeaderField[] {
  const dateMs = Math.floor(nowMs / 1_000) * 1_000;
  const date: HeaderField = ["Date", formatHttpDate(dateMs)];
  switch (template.kind) {
    case "none":
      return [date];
    case "max-age":
      return [
        date,
        ["Cache-Control", `public, max-age=${template.seconds}`],
        ["Age", String(template.age)],
      ];
    case "expires":
      return [date, ["Expires", formatHttpDate(dateMs + template.seconds * 1_000)]];
    case "no-cache":
      return [date, ["Cache-Control", "no-cache"]];
    case "invalid":
      return [date, ["Cache-Control", template.value]];
  }
}

/** The refresher options of one spec. */
export function urlOptions(spec: UrlSpec, parse: (body: string) => VersionedKeys) {
  return {
    minInterval: spec.minIntervalMs,
    ...(spec.intervalMs === undefined ? {} : { interval: spec.intervalMs }),
    requestTimeout: spec.requestTimeoutMs,
    maxBodyBytes: MAX_BODY_BYTES,
    parse,
    ...(spec.backoff ? { backoff: { initialMs: 1_000, maxMs: 20_000 } } : {}),
  };
}

/**
 * The world of one case: a fake JWKS server whose every 200 carries an increasing version, an
 * instrumented client (the refresher's HTTP port), the refresher under test, and the monitor
 * that watches all of it.
 */
export class RefreshWorld {
  readonly server: FakeHttpServer;
  readonly client: SimHttpClient;
  readonly refresher: AutoRefresh<VersionedKeys>;
  readonly monitor: RefreshMonitor;
  readonly parsers: ((body: string) => VersionedKeys)[];
  readonly #versions: number[];
  readonly #specs: readonly UrlSpec[];
  #nextRequestId = 1;

  constructor(sim: Simulation, testCase: RefreshCase) {
    const now = (): number => sim.now();
    this.monitor = new RefreshMonitor(testCase.urls, now);
    this.#versions = testCase.urls.map(() => 0);
    this.#specs = testCase.urls;
    this.server = new FakeHttpServer(sim, { address: SERVER_ADDRESS });
    testCase.urls.forEach((spec, index) => {
      this.server.route(`/keys/${index}`, (request) =>
        this.#answer(sim, index, spec, request.headers.get(REQUEST_ID_HEADER)),
      );
    });
    this.server.setFaultPolicy((request) => {
      const index = Number(request.path.slice("/keys/".length));
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
      this.monitor.onParsed(index);
      return { version, keys };
    });
    this.refresher = new AutoRefresh<VersionedKeys>({
      clock: sim.clockFor("refresher"),
      random: sim.randomFor("refresher"),
      httpClient: this.#instrument(now),
      parse: (body) => ({ version: -1, keys: parseJwks(body) }),
      onError: (failure) => {
        const index = this.indexOf(failure.url);
        if (index >= 0) this.monitor.onFailure(index, failure);
      },
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

  /** The spec index of a normalised URL, or -1. */
  indexOf(url: string): number {
    const match = /\/keys\/(\d+)$/.exec(url);
    return match === null ? -1 : Number(match[1]);
  }

  #answer(
    sim: Simulation,
    index: number,
    spec: UrlSpec,
    requestId: string | null,
  ): FakeHttpResponse {
    const version = (this.#versions[index] ?? 0) + 1;
    this.#versions[index] = version;
    this.monitor.served.set(`${index}:${version}`, {
      requestId: Number(requestId ?? 0),
      template: spec.headers,
    });
    return {
      status: 200,
      headers: [
        ["Content-Type", "application/jwk-set+json"],
        ...headerFields(spec.headers, sim.epochMs + sim.now()),
      ],
      body: JSON.stringify({ keys: [{ kty: "oct", kid: `v${version}`, k: "AAAA" }] }),
    };
  }

  #instrument(now: () => number): HttpClient {
    return (url, init) => {
      const record = {
        id: this.#nextRequestId++,
        url: this.indexOf(url),
        at: now(),
        abortReason: undefined as unknown,
      };
      this.monitor.onRequest(record);
      init.signal.addEventListener(
        "abort",
        () => this.monitor.onRequestAborted(record, init.signal.reason),
        {
          once: true,
        },
      );
      return this.client.fetch(url, {
        signal: init.signal,
        headers: { ...init.headers, [REQUEST_ID_HEADER]: String(record.id) },
      });
    };
  }
}
