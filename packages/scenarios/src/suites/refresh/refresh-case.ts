import type { HttpFault } from "@dsim/sim-server";
import fc from "fast-check";

/** What caching headers the fake server sends for one URL (the oracle reads the same template). */
export type HeaderTemplate =
  | { readonly kind: "none" }
  | { readonly kind: "max-age"; readonly seconds: number; readonly age: number }
  | { readonly kind: "expires"; readonly seconds: number }
  | { readonly kind: "no-cache" }
  | { readonly kind: "invalid"; readonly value: string };

/** One URL of the world: its refresher options and its server's headers. */
export interface UrlSpec {
  readonly minIntervalMs: number;
  /** Explicit refresh interval, or undefined to follow the headers. */
  readonly intervalMs: number | undefined;
  readonly requestTimeoutMs: number;
  /** Background retries back off (1 s initial, 20 s cap) when true. */
  readonly backoff: boolean;
  readonly headers: HeaderTemplate;
}

/** A workload step, at virtual time `at` (ms from the start). */
export type RefreshAction =
  /** `n` simultaneous `fetch` calls. */
  | { readonly at: number; readonly kind: "burst"; readonly url: number; readonly n: number }
  /** One forced `refresh`. */
  | { readonly at: number; readonly kind: "refresh"; readonly url: number }
  /** Two simultaneous `fetch` calls; the first aborts its wait after `abortAfterMs`. */
  | {
      readonly at: number;
      readonly kind: "abort-race";
      readonly url: number;
      readonly abortAfterMs: number;
    }
  /** `remove` (if registered). */
  | { readonly at: number; readonly kind: "remove"; readonly url: number }
  /** `configure` with the URL's options (re-registers after a remove). */
  | { readonly at: number; readonly kind: "configure"; readonly url: number };

/** A fault window: requests for `url` that arrive in [at, at + durationMs) get `fault`. */
export interface FaultWindow {
  readonly at: number;
  readonly durationMs: number;
  readonly url: number;
  readonly fault: HttpFault;
}

/** One generated case. */
export interface RefreshCase {
  readonly urls: readonly UrlSpec[];
  readonly actions: readonly RefreshAction[];
  readonly faults: readonly FaultWindow[];
}

/** Body size limit given to the refresher; the oversized fault exceeds it. */
export const MAX_BODY_BYTES = 4_096;
/** The safety phase lasts at least this long (ms). */
export const MIN_SAFETY_MS = 60_000;

const headerTemplate: fc.Arbitrary<HeaderTemplate> = fc.oneof(
  fc.constant({ kind: "none" } as const),
  fc.record({
    kind: fc.constant("max-age" as const),
    seconds: fc.integer({ min: 0, max: 90 }),
    age: fc.integer({ min: 0, max: 30 }),
  }),
  fc.record({ kind: fc.constant("expires" as const), seconds: fc.integer({ min: -30, max: 90 }) }),
  fc.constant({ kind: "no-cache" } as const),
  fc.record({
    kind: fc.constant("invalid" as const),
    value: fc.constantFrom("max-age=-1", "max-age=5, max-age=50", 'max-age="40', "max-age=1.5"),
  }),
);

const urlSpec: fc.Arbitrary<UrlSpec> = fc.record({
  minIntervalMs: fc.integer({ min: 1, max: 10 }).map((s) => s * 1_000),
  intervalMs: fc.option(
    fc.integer({ min: 1, max: 60 }).map((s) => s * 1_000),
    { nil: undefined, freq: 4 },
  ),
  requestTimeoutMs: fc.integer({ min: 2, max: 20 }).map((s) => s * 1_000),
  backoff: fc.boolean(),
  headers: headerTemplate,
});

const httpFault: fc.Arbitrary<HttpFault> = fc.oneof(
  fc.constant({ kind: "drop" } as const),
  fc.record({ kind: fc.constant("delay" as const), ms: fc.integer({ min: 100, max: 25_000 }) }),
  fc.record({ kind: fc.constant("status" as const), status: fc.constantFrom(500, 502, 503) }),
  fc.constant({ kind: "malformed-json" } as const),
  fc.constant({ kind: "truncated" } as const),
  fc.constant({ kind: "oversized", bytes: MAX_BODY_BYTES + 1_000 } as const),
  fc.record({
    kind: fc.constant("slow-body" as const),
    chunks: fc.integer({ min: 2, max: 5 }),
    chunkDelayMs: fc.integer({ min: 100, max: 8_000 }),
  }),
  fc.constant({ kind: "reset" } as const),
  fc.constant({
    kind: "headers",
    set: { "cache-control": ["max-age=1, max-age=600"], expires: ["0"] },
  } as const),
);

function actionArbitrary(urls: number): fc.Arbitrary<RefreshAction> {
  const at = fc.integer({ min: 0, max: 90_000 });
  const url = fc.integer({ min: 0, max: urls - 1 });
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        at,
        kind: fc.constant("burst" as const),
        url,
        n: fc.integer({ min: 1, max: 4 }),
      }),
    },
    { weight: 3, arbitrary: fc.record({ at, kind: fc.constant("refresh" as const), url }) },
    {
      weight: 2,
      arbitrary: fc.record({
        at,
        kind: fc.constant("abort-race" as const),
        url,
        abortAfterMs: fc.integer({ min: 0, max: 3_000 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ at, kind: fc.constant("remove" as const), url }) },
    { weight: 1, arbitrary: fc.record({ at, kind: fc.constant("configure" as const), url }) },
  );
}

/** Generates a world of 1–3 URLs, a workload and fault windows; shrinks toward fewer, earlier, shorter. */
export const refreshCaseArbitrary: fc.Arbitrary<RefreshCase> = fc
  .array(urlSpec, { minLength: 1, maxLength: 3 })
  .chain((urls) =>
    fc.record({
      urls: fc.constant(urls),
      actions: fc
        .array(actionArbitrary(urls.length), { minLength: 1, maxLength: 14 })
        .map((list) => [...list].sort((a, b) => a.at - b.at)),
      faults: fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: 90_000 }),
          durationMs: fc.integer({ min: 0, max: 40_000 }),
          url: fc.integer({ min: 0, max: urls.length - 1 }),
          fault: httpFault,
        }),
        { maxLength: 6 },
      ),
    }),
  );
