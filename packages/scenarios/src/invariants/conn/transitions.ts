import { isSpecTransition } from "@dsim/core";
import type { ConnFacts, Violation } from "./facts.js";

/**
 * `conn.spec-transitions`: every transition of the channel and of every subchannel is one the
 * connectivity spec allows. `conn.shutdown-absorbing`: nothing leaves SHUTDOWN, and after
 * `close()` the only transitions are into SHUTDOWN.
 */
export function checkTransitions(facts: ConnFacts): Violation[] {
  const violations: Violation[] = [];
  for (const x of facts.transitions) {
    if (
      x.from === "SHUTDOWN" ||
      (facts.closedAt !== undefined && x.t > facts.closedAt && x.to !== "SHUTDOWN")
    ) {
      violations.push({
        invariant: "conn.shutdown-absorbing",
        message: `${x.scope} went ${x.from} → ${x.to} after SHUTDOWN/close`,
        details: {
          t: x.t,
          scope: x.scope,
          from: x.from,
          to: x.to,
          closedAt: facts.closedAt ?? null,
        },
      });
    } else if (!isSpecTransition(x.from, x.to)) {
      violations.push({
        invariant: "conn.spec-transitions",
        message: `${x.scope} made the transition ${x.from} → ${x.to}, which the spec does not allow`,
        details: { t: x.t, scope: x.scope, from: x.from, to: x.to },
      });
    }
  }
  violations.push(...checkStaleEvents(facts));
  return violations;
}

/**
 * `conn.stale-events-ignored`: a subchannel leaves READY for IDLE only when its current transport
 * (the last one that reached SETTINGS for that address) reported GOAWAY or close by then — an
 * event of an older, replaced transport must not move it.
 */
function checkStaleEvents(facts: ConnFacts): Violation[] {
  const violations: Violation[] = [];
  for (const x of facts.transitions) {
    if (x.scope === "channel" || x.from !== "READY" || x.to !== "IDLE") continue;
    let current: (typeof facts.transports)[number] | undefined;
    for (const t of facts.transports) {
      const dial = facts.dials[t.dialId];
      if (t.address === x.scope && dial?.settledAt !== undefined && dial.settledAt <= x.t)
        current = t;
    }
    if (current === undefined) continue;
    const reported = [current.goawayAt, current.closedAt].some(
      (at) => at !== undefined && at <= x.t,
    );
    if (!reported) {
      violations.push({
        invariant: "conn.stale-events-ignored",
        message: `${x.scope} went READY → IDLE at ${x.t} while its current transport ${current.dialId} reported neither GOAWAY nor close`,
        details: { t: x.t, scope: x.scope, transport: current.dialId },
      });
    }
  }
  return violations;
}
