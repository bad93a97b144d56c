import type { RpcSends, ServerConnection, Violation } from "@dsim/scenarios";
import type { RpcOutcome } from "./channel-case.js";
import type { TappedConnection } from "./client-wire-tap.js";

/** gRPC status codes (doc/statuscodes.md). */
const OK = 0;
const CANCELLED = 1;
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;
/** HTTP/2 REFUSED_STREAM (RFC 9113 §7): the stream was not processed. */
const REFUSED_STREAM = 7;

/** The client connections as `checkNoStreamAfterGoaway` takes them (times are the client's own). */
export function goawayConnections(connections: readonly TappedConnection[]): ServerConnection[] {
  return connections.map((c) => ({
    id: c.id,
    address: c.address,
    ...(c.goaway === undefined ? {} : { goawayAt: c.goaway.at }),
    streamsOpenedAt: [...c.streamOpenedAt.values()],
    // Both times are read on the client's side of the wire: no latency between them.
    latencyMs: 0,
  }));
}

/**
 * Every send of every RPC as `checkNoResendOfProcessed` takes it: a send is `refused` (provably not
 * processed) when the server refused its stream (RST_STREAM REFUSED_STREAM) or its stream id is
 * above the last-stream-id of a GOAWAY the client received; otherwise it may have run (`closed`).
 */
export function rpcSends(
  connections: readonly TappedConnection[],
  processed: ReadonlyMap<string, number>,
): RpcSends[] {
  const sends = new Map<string, { at: number; end: "refused" | "closed" }[]>();
  for (const c of connections) {
    for (const [streamId, rpc] of c.rpcOfStream) {
      const refused =
        c.resetCode.get(streamId) === REFUSED_STREAM ||
        (c.goaway !== undefined && streamId > c.goaway.lastStreamId);
      const list = sends.get(rpc) ?? [];
      list.push({ at: c.streamOpenedAt.get(streamId) ?? 0, end: refused ? "refused" : "closed" });
      sends.set(rpc, list);
    }
  }
  const names = new Set([...sends.keys(), ...processed.keys()]);
  return [...names].sort().map((id) => ({
    id,
    sends: (sends.get(id) ?? []).sort((a, b) => a.at - b.at),
    processed: processed.get(id) ?? 0,
  }));
}

/**
 * - `grpc.rpc-settles`: every RPC ends (its callback runs) by its deadline (+ `slackMs`).
 * - `grpc.status-codes`: an RPC ends OK, or with the codes a transport failure maps to
 *   (UNAVAILABLE; CANCELLED for an HTTP/2 CANCEL from the server; DEADLINE_EXCEEDED).
 */
export function checkOutcomes(
  planned: readonly { readonly name: string; readonly at: number; readonly deadlineMs: number }[],
  outcomes: readonly RpcOutcome[],
  slackMs: number,
): Violation[] {
  const violations: Violation[] = [];
  const allowed = new Set([OK, CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE]);
  for (const rpc of planned) {
    const outcome = outcomes.find((o) => o.name === rpc.name);
    if (outcome === undefined || outcome.endedAt > rpc.at + rpc.deadlineMs + slackMs) {
      violations.push({
        invariant: "grpc.rpc-settles",
        message: `${rpc.name} (started ${rpc.at}, deadline ${rpc.deadlineMs} ms) ${outcome === undefined ? "never ended" : `ended at ${outcome.endedAt}`}`,
        details: { rpc: rpc.name, at: rpc.at, endedAt: outcome?.endedAt ?? null },
      });
    } else if (!allowed.has(outcome.code)) {
      violations.push({
        invariant: "grpc.status-codes",
        message: `${rpc.name} ended with status ${outcome.code}`,
        details: { rpc: rpc.name, code: outcome.code },
      });
    }
  }
  return violations;
}

/** Names of the RPCs a client connection carried (their request was written to a socket). */
export function writtenRpcs(connections: readonly TappedConnection[]): Set<string> {
  return new Set(connections.flatMap((c) => [...c.rpcOfStream.values()]));
}

/**
 * `grpc.wait-for-ready-waits` (gRPC doc/wait-for-ready.md): a wait-for-ready RPC started while the
 * server certainly has no connection to offer (inside `windows`: its connections were cut and it
 * refuses new ones) is not failed by the transient failure: it waits, so it ends no earlier than
 * the window's end or its deadline, whichever comes first. RPCs written to a connection are not
 * judged: a connection the client still believed open (a reset held back by a partition) may fail
 * them, as it may fail any RPC it carried.
 */
export function checkWaitForReady(
  outcomes: readonly RpcOutcome[],
  written: ReadonlySet<string>,
  windows: readonly { readonly from: number; readonly to: number }[],
): Violation[] {
  const violations: Violation[] = [];
  for (const o of outcomes) {
    if (!o.waitForReady || o.code === OK || written.has(o.name)) continue;
    const window = windows.find((w) => o.at >= w.from && o.at < w.to);
    if (window === undefined) continue;
    const earliest = Math.min(window.to, o.at + o.deadlineMs);
    if (o.endedAt < earliest) {
      violations.push({
        invariant: "grpc.wait-for-ready-waits",
        message: `wait-for-ready ${o.name} (started ${o.at}, server unreachable until ${window.to}) failed with status ${o.code} at ${o.endedAt}`,
        details: { rpc: o.name, at: o.at, endedAt: o.endedAt, code: o.code, until: window.to },
      });
    }
  }
  return violations;
}

/**
 * `grpc.fail-fast-fails` (gRPC doc/wait-for-ready.md, A62 pick_first): a fail-fast RPC started
 * while the server certainly has no connection to offer (inside `windows`) fails with UNAVAILABLE
 * once a connection attempt has failed — that failure puts the channel in TRANSIENT_FAILURE, where
 * fail-fast RPCs are not queued. So it ends UNAVAILABLE no later than the first attempt failure the
 * client sees after its start (when that is before the window's end and its deadline). RPCs written
 * to a connection are not judged (see {@link checkWaitForReady}).
 */
export function checkFailFast(
  outcomes: readonly RpcOutcome[],
  connections: readonly TappedConnection[],
  windows: readonly { readonly from: number; readonly to: number }[],
): Violation[] {
  const violations: Violation[] = [];
  const written = writtenRpcs(connections);
  for (const o of outcomes) {
    if (o.waitForReady || written.has(o.name)) continue;
    const window = windows.find((w) => o.at >= w.from && o.at < w.to);
    if (window === undefined) continue;
    const failed = connections
      .map((c) => c.failedAt)
      .filter((t): t is number => t !== undefined && t >= o.at)
      .sort((x, y) => x - y)[0];
    if (failed === undefined || failed >= window.to || failed >= o.at + o.deadlineMs) continue;
    if (o.code !== UNAVAILABLE || o.endedAt > failed) {
      violations.push({
        invariant: "grpc.fail-fast-fails",
        message: `fail-fast ${o.name} (started ${o.at}, server unreachable until ${window.to}) ended with status ${o.code} at ${o.endedAt}, though a connection attempt had failed at ${failed}`,
        details: {
          rpc: o.name,
          at: o.at,
          endedAt: o.endedAt,
          code: o.code,
          attemptFailedAt: failed,
        },
      });
    }
  }
  return violations;
}
