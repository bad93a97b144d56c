import { MAX_KEEPALIVE_TIME_MS } from "@dsim/core";
import type { ConnFacts, Violation } from "./facts.js";

/** Timer truncation slack. */
const SLACK_MS = 2;

/**
 * `conn.keepalive-interval`: on every connection, keepalive pings are at least the channel's
 * interval apart (the first one counted from SETTINGS), and that interval has doubled once for
 * every GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings") received before the connection was dialed
 * (capped). Judged on the PINGs core sent at the transport port.
 */
export function checkKeepalive(facts: ConnFacts): Violation[] {
  const violations: Violation[] = [];
  const baseMs = facts.keepaliveMs;
  if (baseMs === null) return violations;
  for (const t of facts.transports) {
    const dial = facts.dials[t.dialId];
    if (dial === undefined) continue;
    const interval = Math.min(baseMs * 2 ** dial.tooManyPingsBefore, MAX_KEEPALIVE_TIME_MS);
    let previous = t.readyAt;
    for (const at of t.pings) {
      if (at - previous < interval - SLACK_MS) {
        violations.push({
          invariant: "conn.keepalive-interval",
          message: `transport ${t.dialId} pinged ${at - previous} ms after the previous ping/SETTINGS; after ${dial.tooManyPingsBefore} too_many_pings GOAWAY(s) the interval is ${interval} ms`,
          details: {
            transport: t.dialId,
            at,
            gap: at - previous,
            interval,
            tooManyPings: dial.tooManyPingsBefore,
          },
        });
        break;
      }
      previous = at;
    }
  }
  return violations;
}
