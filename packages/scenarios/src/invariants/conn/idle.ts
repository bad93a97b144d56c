import type { TransportFact } from "../../suites/conn/spy-dialer.js";
import type { Violation } from "./facts.js";

/** Virtual timers run on whole milliseconds. */
const SLACK_MS = 2;

/** A stretch with no RPC activity on the channel, as the idle rule judges it. */
export interface QuietStretch {
  /** Virtual ms of the channel's last RPC activity (the last RPC ended). */
  readonly lastActivity: number;
  /** The configured idle timeout; 0 disables idleness. */
  readonly idleTimeoutMs: number;
  /** Virtual ms the next RPC started (or the stretch was judged); nothing after it counts. */
  readonly until: number;
}

/** When the server ended `t` (GOAWAY, or a close the client did not start), if it did by `by`. */
function serverEnded(t: TransportFact, by: number): boolean {
  if (t.goawayAt !== undefined && t.goawayAt <= by) return true;
  return (
    t.closedAt !== undefined &&
    t.closedAt <= by &&
    (t.clientClosedAt === undefined || t.closedAt < t.clientClosedAt)
  );
}

/**
 * `conn.idle-timeout` (gRPC channel idleness: grpc-go `WithIdleTimeout`, grpc-js
 * `grpc.client_idle_timeout_ms`, gRPC Java's idle mode — a channel with no RPC for the idle timeout
 * enters IDLE and closes its connections; 0 disables it), judged on the connections that were up
 * and not ended by their server when the stretch began:
 *
 * - never earlier: the client closes none of them before `lastActivity + idleTimeoutMs` (with the
 *   timeout disabled, not at all), unless their server ended them first;
 * - not later: when the stretch lasts past `lastActivity + idleTimeoutMs`, every one of them is
 *   closed by the client (or ended by its server) by then.
 */
export function checkIdleTimeout(
  transports: readonly TransportFact[],
  stretch: QuietStretch,
): Violation[] {
  const { lastActivity, idleTimeoutMs, until } = stretch;
  const due = idleTimeoutMs === 0 ? Number.POSITIVE_INFINITY : lastActivity + idleTimeoutMs;
  const violations: Violation[] = [];
  for (const t of transports) {
    const upAtStart =
      t.readyAt <= lastActivity &&
      !serverEnded(t, lastActivity) &&
      (t.clientClosedAt === undefined || t.clientClosedAt > lastActivity);
    if (!upAtStart) continue;
    const closed = t.clientClosedAt;
    if (
      closed !== undefined &&
      closed <= until &&
      closed < due - SLACK_MS &&
      !serverEnded(t, closed)
    ) {
      violations.push({
        invariant: "conn.idle-timeout",
        message: `the client closed its connection to ${t.address} ${closed - lastActivity} ms after the last RPC; the idle timeout is ${idleTimeoutMs === 0 ? "disabled (0)" : `${idleTimeoutMs} ms`}`,
        details: { address: t.address, lastActivity, closedAt: closed, idleTimeoutMs },
      });
      continue;
    }
    const by = due + SLACK_MS;
    if (until >= by && (closed === undefined || closed > by) && !serverEnded(t, by)) {
      violations.push({
        invariant: "conn.idle-timeout",
        message: `the connection to ${t.address} is still open ${until - lastActivity} ms after the last RPC; the idle timeout of ${idleTimeoutMs} ms should have closed it`,
        details: { address: t.address, lastActivity, until, idleTimeoutMs },
      });
    }
  }
  return violations;
}
