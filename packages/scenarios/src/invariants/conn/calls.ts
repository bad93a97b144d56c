import type { StatusProbe } from "../../suites/conn/conn-case.js";
import { PROBE_STATUS } from "../../suites/conn/world.js";
import type { OutcomeFact, Violation } from "./facts.js";

const OK = 0;
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;

/** A call of the status phase and how the server ended it. */
export interface ProbeFact {
  readonly probe: StatusProbe;
  readonly outcome: OutcomeFact;
}

function detail(o: OutcomeFact): { [key: string]: string | number | boolean | null } {
  return {
    rpc: o.id,
    at: o.at,
    ok: o.ok ?? null,
    status: o.status ?? null,
    details: o.details ?? null,
  };
}

/**
 * `conn.status-propagated` (gRPC status codes, PROTOCOL-HTTP2): a status the server ended a call
 * with reaches the application unchanged, code and details, whatever the code (not only
 * UNAVAILABLE); a unary call answered OK with no message or with two fails (with a non-OK code);
 * a call the server answers after its deadline fails with DEADLINE_EXCEEDED.
 */
export function checkStatusProbes(probes: readonly ProbeFact[]): Violation[] {
  const violations: Violation[] = [];
  for (const { probe, outcome: o } of probes) {
    if (o.settledAt === undefined) continue;
    const code = PROBE_STATUS[probe];
    let wrong: string | undefined;
    if (probe === "ok-empty" || probe === "ok-two-messages") {
      if (o.ok === true || o.status === OK)
        wrong = "a unary call with a wrong message count succeeded";
    } else if (probe === "deadline") {
      if (o.status !== DEADLINE_EXCEEDED)
        wrong = "a call past its deadline did not get DEADLINE_EXCEEDED";
    } else if (o.status !== code) {
      wrong = `the server ended the call with status ${code ?? "?"}`;
    } else if (o.details !== `probe ${probe} of ${o.id}`) {
      wrong = "the server's status details were lost";
    }
    if (wrong !== undefined) {
      violations.push({
        invariant: "conn.status-propagated",
        message: `RPC ${o.id} (${probe}): ${wrong}; the application got ${o.ok === true ? "OK" : `status ${o.status ?? "?"}`}`,
        details: { probe, ...detail(o) },
      });
    }
  }
  return violations;
}

/**
 * `conn.healthy-call-succeeds` (per call, against the servers' health): an RPC made while every
 * server is up and no fault is active, with a deadline far above the round trip, succeeds.
 */
export function checkHealthyCalls(outcomes: readonly OutcomeFact[]): Violation[] {
  return outcomes
    .filter((o) => o.settledAt !== undefined && o.ok !== true)
    .slice(0, 1)
    .map((o) => ({
      invariant: "conn.healthy-call-succeeds",
      message: `RPC ${o.id} failed (status ${o.status ?? "?"}: ${o.details ?? ""}) although every server was healthy`,
      details: detail(o),
    }));
}

/**
 * `conn.close-fails-pending-rpcs` (grpc-go ClientConn.Close, connectivity semantics: SHUTDOWN
 * fails every RPC): an RPC still waiting for a connection when close() is called fails with
 * UNAVAILABLE at once, not when its deadline passes.
 */
export function checkPendingAtClose(
  pending: readonly OutcomeFact[],
  closedAt: number,
  boundMs: number,
): Violation[] {
  return pending
    .filter(
      (o) =>
        o.settledAt === undefined || o.settledAt > closedAt + boundMs || o.status !== UNAVAILABLE,
    )
    .slice(0, 1)
    .map((o) => ({
      invariant: "conn.close-fails-pending-rpcs",
      message: `RPC ${o.id}, pending when close() was called at ${closedAt}, ${o.settledAt === undefined ? `had not settled ${boundMs} ms later` : `settled at ${o.settledAt} with status ${o.status ?? "OK"}`}`,
      details: { closedAt, ...detail(o), settledAt: o.settledAt ?? null },
    }));
}

/**
 * `conn.no-listener-left-on-caller-signal` (DESIGN: a caller's signal cancels that caller's wait;
 * after a call settles the library holds nothing of the caller's): once every call that was given
 * one reused AbortSignal has settled, no abort listener of the library is left on it.
 */
export function checkCallerSignal(listeners: number, calls: number, when: string): Violation[] {
  if (listeners === 0) return [];
  return [
    {
      invariant: "conn.no-listener-left-on-caller-signal",
      message: `${listeners} abort listener(s) left on a caller's signal reused by ${calls} settled call(s), ${when}`,
      details: { listeners, calls, when },
    },
  ];
}
