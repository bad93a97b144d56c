import type { HttpFault } from "@dsim/sim-server";
import fc from "fast-check";
import { durationMs } from "./durations.js";
import { type HeaderTemplate, headerTemplateArbitrary } from "./header-templates.js";

export type { HeaderTemplate } from "./header-templates.js";

/** Background retry backoff of one URL (multiplier 1.6 and jitter 0.2, core's defaults). */
export interface BackoffSpec {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * How the error sink consumes failures: at once; by throwing; as an async consumer whose promise
 * never settles (never drained); or as an async consumer that takes `SLOW_SINK_MS` per failure.
 */
export type SinkMode = "sync" | "throws" | "never-settles" | "slow";

/** How long the slow sink consumer takes per failure (virtual ms). */
export const SLOW_SINK_MS = 30_000;

/** One URL of the world: its refresher options and its server's headers. */
export interface UrlSpec {
  readonly minIntervalMs: number;
  /** Explicit refresh interval, or undefined to follow the headers. */
  readonly intervalMs: number | undefined;
  readonly requestTimeoutMs: number;
  /** Background retries back off, or `null` for none (retry after the minimum interval). */
  readonly backoff: BackoffSpec | null;
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
  | { readonly at: number; readonly kind: "configure"; readonly url: number }
  /**
   * Slow old, fast new: the server holds the next response for `slowMs`; a forced `refresh`
   * starts it, and a second `refresh` once the cooldown has passed overtakes it.
   */
  | { readonly at: number; readonly kind: "overlap"; readonly url: number; readonly slowMs: number }
  /**
   * A caller that retries: `fetch`, and after each failure another `fetch` `gapMs` later, up to
   * `times` calls in all (what user code does on an error, often inside the cooldown).
   */
  | {
      readonly at: number;
      readonly kind: "retry-loop";
      readonly url: number;
      readonly times: number;
      readonly gapMs: number;
    }
  /**
   * A forced `refresh`, then while it may be in flight `remove` (or a re-`configure` when
   * `remove` is false) after `changeAfterMs`, then `configure` and `fetch` after `againAfterMs`.
   */
  | {
      readonly at: number;
      readonly kind: "churn";
      readonly url: number;
      readonly remove: boolean;
      readonly changeAfterMs: number;
      readonly againAfterMs: number;
    };

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
  readonly sink: SinkMode;
  /** Every call passes one long-lived signal of the workload (never aborted) when true. */
  readonly sharedSignal: boolean;
  /** `close()` while work may be in flight, at this time; `null`: only at the end. */
  readonly closeAt: number | null;
}

/** Body size limit given to the refresher; the oversized fault exceeds it. */
export const MAX_BODY_BYTES = 4_096;
/** The safety phase lasts at least this long (ms). */
export const MIN_SAFETY_MS = 60_000;

const backoffSpec: fc.Arbitrary<BackoffSpec> = fc
  .record({
    initialMs: fc.integer({ min: 1, max: 30 }).map((s) => s * 1_000),
    capMs: fc.constantFrom(20_000, 600_000, 7_200_000),
  })
  .map(({ initialMs, capMs }) => ({ initialMs, maxMs: Math.max(initialMs, capMs) }));

const urlSpec: fc.Arbitrary<UrlSpec> = fc.record({
  minIntervalMs: durationMs(1, 10, 12),
  intervalMs: fc.option(durationMs(1, 60), { nil: undefined, freq: 4 }),
  requestTimeoutMs: fc.integer({ min: 2, max: 20 }).map((s) => s * 1_000),
  backoff: fc.option(backoffSpec, { nil: null }),
  headers: headerTemplateArbitrary,
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
  // A body that stalls after its first chunk: only a timeout that covers the body ends it.
  fc.constant({ kind: "slow-body", chunks: 2, chunkDelayMs: 600_000 } as const),
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
    {
      weight: 1,
      arbitrary: fc.record({
        at,
        kind: fc.constant("overlap" as const),
        url,
        slowMs: fc.integer({ min: 1_000, max: 25_000 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        at,
        kind: fc.constant("retry-loop" as const),
        url,
        times: fc.integer({ min: 2, max: 4 }),
        gapMs: fc.integer({ min: 0, max: 5_000 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        at,
        kind: fc.constant("churn" as const),
        url,
        remove: fc.boolean(),
        changeAfterMs: fc.integer({ min: 0, max: 3_000 }),
        againAfterMs: fc.integer({ min: 0, max: 3_000 }),
      }),
    },
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
      sink: fc.constantFrom<SinkMode>("sync", "sync", "throws", "never-settles", "slow"),
      sharedSignal: fc.boolean(),
      closeAt: fc.oneof(
        { weight: 4, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 90_000 }) },
      ),
    }),
  );
