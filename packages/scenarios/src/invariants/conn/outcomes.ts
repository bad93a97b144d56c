import type { ConnFacts, Violation } from "./facts.js";

/** Completion allowed past an RPC's deadline (timer granularity, one settle). */
const SETTLE_SLACK_MS = 5;

/**
 * Judged on what the application got:
 *
 * - `conn.rpc-settles-by-deadline`: every RPC settles, and by its deadline.
 * - `conn.graceful-goaway-zero-failures` (only when every fault is a graceful GOAWAY against a
 *   healthy server): no RPC fails.
 */
export function checkOutcomes(facts: ConnFacts, gracefulOnly: boolean): Violation[] {
  const violations: Violation[] = [];
  for (const o of facts.outcomes) {
    if (o.settledAt === undefined || o.settledAt > o.deadlineAt + SETTLE_SLACK_MS) {
      violations.push({
        invariant: "conn.rpc-settles-by-deadline",
        message: `RPC ${o.id} ${o.settledAt === undefined ? "never settled" : `settled at ${o.settledAt}`}, deadline ${o.deadlineAt}`,
        details: { rpc: o.id, at: o.at, deadlineAt: o.deadlineAt, settledAt: o.settledAt ?? null },
      });
    } else if (gracefulOnly && o.ok !== true) {
      violations.push({
        invariant: "conn.graceful-goaway-zero-failures",
        message: `RPC ${o.id} failed (status ${o.status ?? "?"}: ${o.details ?? ""}) although the only faults were graceful GOAWAYs`,
        details: { rpc: o.id, at: o.at, status: o.status ?? null, details: o.details ?? null },
      });
    }
  }
  return violations;
}
