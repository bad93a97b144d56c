import { Simulation } from "@dsim/sim-server";
import { describeFailure } from "./failure.js";
import type { Suite } from "./suite.js";

/** A wall-clock reading in ms, injected so tests of time budgets do not depend on real time. */
export type WallClock = () => number;

/** The default {@link WallClock}: measurement only, it never influences the simulated world. */
export const systemWallClock: WallClock = () => performance.now();

/** The result of {@link executeCase}. */
export interface CaseOutcome {
  readonly simSeed: number;
  readonly digest: string;
  readonly simulatedMs: number;
  readonly wallMs: number;
  /** What the suite threw, if anything. */
  readonly error?: unknown;
  /** The case's trace as JSONL, only when asked for (serialising every run would be waste). */
  readonly traceJsonl?: string;
}

/**
 * Runs one case in a fresh {@link Simulation} seeded with `simSeed`, then closes it. A thrown error
 * is captured, not rethrown, and recorded into the trace (`runner`/`invariant.broken`) before the
 * digest is taken, so the digest of a failing run covers how it failed.
 */
export async function executeCase<C>(
  suite: Suite<C>,
  simSeed: number,
  testCase: C,
  options: { readonly wallClock: WallClock; readonly keepTrace: boolean },
): Promise<CaseOutcome> {
  const started = options.wallClock();
  // Events are kept in memory only when the trace will be written; the digest is incremental.
  await using sim = new Simulation({
    ...suite.simulation,
    seed: simSeed,
    keepEvents: options.keepTrace,
  });
  let error: unknown;
  let failed = false;
  try {
    await suite.run(sim, testCase);
  } catch (caught) {
    failed = true;
    error = caught;
    const { invariant, message } = describeFailure(caught);
    sim.trace.record("runner", "invariant.broken", { invariant, message });
  }
  return {
    simSeed,
    digest: sim.trace.digest(),
    simulatedMs: sim.now(),
    wallMs: options.wallClock() - started,
    ...(failed ? { error } : {}),
    ...(options.keepTrace ? { traceJsonl: sim.trace.toJsonl() } : {}),
  };
}
