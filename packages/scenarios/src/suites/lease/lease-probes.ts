import { type Lessor, MAX_LEASE_TTL } from "@dsim/core";
import type { Simulation } from "@dsim/sim-server";
import type { ProbeFact, ProbeOutcome } from "../../invariants/lease/index.js";
import type { ProbeKind, SignalMode } from "./lease-case.js";

/** What a probe needs from the run. */
export interface ProbeContext {
  readonly sim: Simulation;
  readonly lessor: Lessor;
  readonly leaseIds: readonly bigint[];
  /** The run's one signal that many callers reuse. */
  readonly shared: AbortSignal;
  /** Every AbortController the workload made, so their listeners can be counted at the end. */
  readonly controllers: AbortController[];
  readonly facts: ProbeFact[];
}

function outcomeOf(error: unknown): ProbeOutcome {
  const e = error as { code?: unknown; grpcCode?: unknown };
  return {
    ok: false,
    code: typeof e?.code === "string" ? e.code : null,
    grpcCode: typeof e?.grpcCode === "number" ? e.grpcCode : null,
    name: error instanceof Error ? error.constructor.name : typeof error,
  };
}

function call(ctx: ProbeContext, kind: ProbeKind, id: bigint, keys: boolean, signal?: AbortSignal) {
  const { lessor } = ctx;
  const opts = signal === undefined ? {} : { signal };
  switch (kind) {
    case "time-to-live":
      return lessor.timeToLive(id, { ...opts, keys }).then(
        (r): ProbeOutcome => ({
          ok: true,
          ttl: r.TTL,
          grantedTTL: r.grantedTTL,
          keys: r.keys.map((k) => new TextDecoder().decode(k)),
        }),
      );
    case "leases":
      return lessor
        .leases(opts)
        .then((r): ProbeOutcome => ({ ok: true, ids: r.leases.map((l) => l.ID) }));
    case "keep-alive-once":
      return lessor.keepAliveOnce(id, opts).then((r): ProbeOutcome => ({ ok: true, ttl: r.TTL }));
    case "grant-too-large":
      // One second over etcd's maximum: the server must refuse it, whatever the client does.
      return lessor
        .grant(MAX_LEASE_TTL + 1, opts)
        .then((r): ProbeOutcome => ({ ok: true, ttl: r.TTL }));
  }
}

/**
 * Makes one call now and records when and how it settled. `abortAfter` aborts its own signal
 * that long after the call (a caller's deadline).
 */
export function runProbe(
  ctx: ProbeContext,
  plan: {
    readonly kind: ProbeKind;
    readonly lease: number;
    readonly keys: boolean;
    readonly signal: SignalMode;
    readonly abortAfter: number | null;
  },
  afterHeal: boolean,
): ProbeFact {
  const { sim } = ctx;
  const fact: ProbeFact = {
    index: ctx.facts.length,
    kind: plan.kind,
    lease: plan.lease,
    keys: plan.keys,
    afterHeal,
    startAt: sim.now(),
    abortAt: null,
    settledAt: null,
    outcome: null,
  };
  ctx.facts.push(fact);
  let signal: AbortSignal | undefined;
  if (plan.signal === "shared") signal = ctx.shared;
  if (plan.signal === "own") {
    const controller = new AbortController();
    ctx.controllers.push(controller);
    signal = controller.signal;
    if (plan.abortAfter !== null) {
      sim.clock.setTimeout(() => {
        if (fact.settledAt === null) fact.abortAt = sim.now();
        controller.abort();
      }, plan.abortAfter);
    }
  }
  const id = ctx.leaseIds[plan.lease] ?? 1n;
  let promise: Promise<ProbeOutcome>;
  try {
    promise = call(ctx, plan.kind, id, plan.keys, signal);
  } catch (error) {
    promise = Promise.reject(error);
  }
  promise.then(
    (outcome) => {
      fact.settledAt = sim.now();
      fact.outcome = outcome;
    },
    (error: unknown) => {
      fact.settledAt = sim.now();
      fact.outcome = outcomeOf(error);
    },
  );
  return fact;
}
