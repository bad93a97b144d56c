import fc from "fast-check";
import { type ConnDurations, rawDurationsArbitrary, toDurations } from "./conn-durations.js";

/** Port every fake server listens on. */
export const CONN_PORT = 50051;

/** How the server sends GOAWAY (the fake server's modes). */
export type GoawayFaultMode = "graceful" | "immediate" | "too_many_pings";

/** One fault of a conn plan: plain data, so fast-check can shrink it. `at` is ms from the start. */
export type ConnFault =
  | {
      readonly at: number;
      readonly kind: "goaway";
      readonly server: number;
      readonly mode: GoawayFaultMode;
    }
  | {
      readonly at: number;
      readonly kind: "restart";
      readonly server: number;
      readonly downMs: number;
    }
  | {
      readonly at: number;
      readonly kind: "refuse";
      readonly server: number;
      readonly durationMs: number;
    }
  | {
      readonly at: number;
      readonly kind: "accept-then-close";
      readonly server: number;
      readonly durationMs: number;
    }
  | {
      readonly at: number;
      readonly kind: "blackhole";
      readonly server: number;
      readonly durationMs: number;
    }
  | {
      readonly at: number;
      readonly kind: "partition";
      readonly server: number;
      readonly durationMs: number;
    }
  | { readonly at: number; readonly kind: "reset-connections"; readonly server: number }
  | {
      readonly at: number;
      readonly kind: "refuse-streams";
      readonly server: number;
      readonly count: number;
    }
  | { readonly at: number; readonly kind: "addresses"; readonly keep: readonly boolean[] };

/** One RPC of the workload. */
export interface ConnRpc {
  /** Issue time, ms from the start. */
  readonly at: number;
  readonly waitForReady: boolean;
  /** Relative deadline in ms. */
  readonly deadlineMs: number;
}

/**
 * How the server ends one probe call of the status phase: with a status other than UNAVAILABLE,
 * with OK but a wrong number of messages, or too late for the call's deadline.
 */
export type StatusProbe =
  | "ok-empty"
  | "ok-two-messages"
  | "cancelled"
  | "unknown"
  | "internal"
  | "resource-exhausted"
  | "unavailable"
  | "deadline";

/** Every {@link StatusProbe}. */
export const STATUS_PROBES: readonly StatusProbe[] = [
  "ok-empty",
  "ok-two-messages",
  "cancelled",
  "unknown",
  "internal",
  "resource-exhausted",
  "unavailable",
  "deadline",
];

/**
 * The targeted interleavings that end a case: how the channel is closed (while an attempt is
 * CONNECTING, or while a subchannel sits in TRANSIENT_FAILURE backoff with an RPC pending), and
 * how the first address is removed while its subchannel is CONNECTING (its dial then hangs or is
 * refused after the removal).
 */
export interface ConnInterleavings {
  readonly close: "connecting" | "backoff";
  /** Virtual ms into the backoff at which close() is called (close "backoff" only). */
  readonly closeAfterMs: number;
  readonly removedDial: "blackhole" | "refuse";
  /** Calls that reuse one caller AbortSignal (the status probes always do). */
  readonly sharedSignalCalls: number;
}

/** One generated case of the `conn` suite. */
export interface ConnCase {
  readonly balancer: "pick_first" | "round_robin";
  /** Number of servers (addresses `s0:50051`, `s1:50051`, …). */
  readonly servers: number;
  /** One-way latency between the client and every server. */
  readonly latencyMs: number;
  /** Server-side processing time of every RPC. */
  readonly processingMs: number;
  /** Client keepalive interval, or null for none. */
  readonly keepaliveMs: number | null;
  readonly rpcs: readonly ConnRpc[];
  readonly faults: readonly ConnFault[];
  /** How the server ends the status phase's calls. */
  readonly statusProbes: readonly StatusProbe[];
  readonly interleavings: ConnInterleavings;
  /**
   * The channel's backoff, connect-timeout and idle-timeout options. Absent: the gRPC defaults, and
   * the backoff and idle phases do not run (the plans of `conn-http2` and of older corpora).
   */
  readonly durations?: ConnDurations;
}

/** The address of server `index`. */
export function serverAddress(index: number): string {
  return `s${index}:${CONN_PORT}`;
}

/** Node's (and every dsim clock's) largest timer delay, 2^31-1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

const at = fc.integer({ min: 0, max: 40_000 });
const duration = fc.integer({ min: 500, max: 20_000 });

function faultArbitrary(servers: number): fc.Arbitrary<ConnFault> {
  const server = fc.integer({ min: 0, max: servers - 1 });
  return fc.oneof(
    fc.record({
      at,
      kind: fc.constant("goaway" as const),
      server,
      mode: fc.constantFrom<GoawayFaultMode>("graceful", "immediate", "too_many_pings"),
    }),
    fc.record({
      at,
      kind: fc.constant("restart" as const),
      server,
      downMs: fc.integer({ min: 0, max: 10_000 }),
    }),
    fc.record({ at, kind: fc.constant("refuse" as const), server, durationMs: duration }),
    fc.record({
      at,
      kind: fc.constant("accept-then-close" as const),
      server,
      durationMs: duration,
    }),
    fc.record({ at, kind: fc.constant("blackhole" as const), server, durationMs: duration }),
    fc.record({ at, kind: fc.constant("partition" as const), server, durationMs: duration }),
    fc.record({ at, kind: fc.constant("reset-connections" as const), server }),
    fc.record({
      at,
      kind: fc.constant("refuse-streams" as const),
      server,
      count: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({
      at,
      kind: fc.constant("addresses" as const),
      keep: fc.array(fc.boolean(), { minLength: servers, maxLength: servers }),
    }),
  );
}

const rpc: fc.Arbitrary<ConnRpc> = fc.record({
  at: fc.integer({ min: 0, max: 45_000 }),
  waitForReady: fc.boolean(),
  deadlineMs: fc.integer({ min: 1_000, max: 30_000 }),
});

/**
 * Plans with the default durations: 1–3 servers, a balancer, latency, a workload of up to 40 RPCs
 * over ~45 s, and up to 6 faults. Shrinking makes the plan shorter (fewer faults), earlier and
 * smaller (durations). `conn-http2` runs these.
 */
export const connPlanArbitrary: fc.Arbitrary<ConnCase> = fc
  .integer({ min: 1, max: 3 })
  .chain((servers) =>
    fc.record({
      balancer: fc.constantFrom<ConnCase["balancer"]>("pick_first", "round_robin"),
      servers: fc.constant(servers),
      latencyMs: fc.integer({ min: 1, max: 20 }),
      processingMs: fc.integer({ min: 0, max: 200 }),
      // Mostly intervals servers accept; sometimes near the 2^31-1 ms timer limit, where doubling
      // after too_many_pings must stay capped.
      keepaliveMs: fc.option(
        fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: 5_000, max: 30_000 }) },
          {
            weight: 1,
            arbitrary: fc.oneof(
              fc.constant(MAX_TIMER_MS),
              fc.integer({ min: 2 ** 30, max: MAX_TIMER_MS }),
            ),
          },
        ),
        { nil: null },
      ),
      rpcs: fc.array(rpc, { maxLength: 40 }).map((list) => [...list].sort((a, b) => a.at - b.at)),
      faults: fc
        .array(faultArbitrary(servers), { maxLength: 6 })
        .map((list) => [...list].sort((a, b) => a.at - b.at)),
      statusProbes: fc.subarray([...STATUS_PROBES]),
      interleavings: fc.record({
        close: fc.constantFrom<ConnInterleavings["close"]>("connecting", "backoff"),
        closeAfterMs: fc.integer({ min: 0, max: 700 }),
        removedDial: fc.constantFrom<ConnInterleavings["removedDial"]>("blackhole", "refuse"),
        sharedSignalCalls: fc.integer({ min: 0, max: 6 }),
      }),
    }),
  );

/**
 * The `conn` suite's cases: a {@link connPlanArbitrary} plan plus generated backoff, connect-timeout
 * and idle-timeout options, each from a few ms up to the 2^31-1 ms timer limit.
 */
export const connCaseArbitrary: fc.Arbitrary<ConnCase> = fc
  .tuple(connPlanArbitrary, rawDurationsArbitrary)
  .map(([plan, draws]) => ({ ...plan, durations: toDurations(draws, plan.latencyMs) }));

/** When the last fault is over (its end, for faults with a duration). */
export function planEnd(testCase: ConnCase): number {
  let end = 0;
  for (const fault of testCase.faults) {
    const length =
      "durationMs" in fault ? fault.durationMs : fault.kind === "restart" ? fault.downMs : 0;
    end = Math.max(end, fault.at + length);
  }
  for (const call of testCase.rpcs) end = Math.max(end, call.at);
  return end;
}

/** True when every fault is a graceful GOAWAY: the application must then see zero failures. */
export function onlyGracefulGoaways(testCase: ConnCase): boolean {
  return testCase.faults.every((f) => f.kind === "goaway" && f.mode === "graceful");
}
