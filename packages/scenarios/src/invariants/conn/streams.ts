import type { ConnFacts, Violation } from "./facts.js";

/**
 * Judged on the streams core opened (spy at the transport port) and on what the servers' handlers
 * ran:
 *
 * - `conn.no-stream-after-goaway`: core never opens a stream on a transport after it reported
 *   GOAWAY or close.
 * - `conn.refused-retry-at-most-once`: an RPC is sent at most twice, and a second time only after
 *   its first stream was refused (provably not processed).
 * - `conn.never-resend-possibly-processed`: an RPC whose stream may have run (reset, closed, or a
 *   status) is never sent again, and no handler runs an RPC twice.
 */
export function checkStreams(facts: ConnFacts): Violation[] {
  const violations: Violation[] = [];
  for (const t of facts.transports) {
    if (t.opensAfterGoaway > 0) {
      violations.push({
        invariant: "conn.no-stream-after-goaway",
        message: `core opened ${t.opensAfterGoaway} stream(s) on transport ${t.dialId} (${t.address}) after its GOAWAY/close`,
        details: {
          transport: t.dialId,
          address: t.address,
          goawayAt: t.goawayAt ?? null,
          opens: t.opensAfterGoaway,
        },
      });
    }
  }
  const byRpc = new Map<string, (typeof facts.streams)[number][]>();
  for (const s of facts.streams) {
    if (s.rpcId === undefined) continue;
    const list = byRpc.get(s.rpcId) ?? [];
    list.push(s);
    byRpc.set(s.rpcId, list);
  }
  for (const [rpcId, list] of byRpc) {
    if (list.length > 2) {
      violations.push({
        invariant: "conn.refused-retry-at-most-once",
        message: `RPC ${rpcId} was sent ${list.length} times`,
        details: {
          rpc: rpcId,
          sends: list.length,
          ends: list.map((s) => s.end ?? "open").join(","),
        },
      });
      continue;
    }
    for (let i = 0; i + 1 < list.length; i++) {
      const end = list[i]?.end;
      if (end !== "refused") {
        violations.push({
          invariant: "conn.never-resend-possibly-processed",
          message: `RPC ${rpcId} was sent again after its stream ended "${end ?? "open"}" (it may have run)`,
          details: { rpc: rpcId, firstEnd: end ?? "open", sends: list.length },
        });
      }
    }
  }
  for (const [rpcId, count] of facts.processed) {
    if (count > 1) {
      violations.push({
        invariant: "conn.never-resend-possibly-processed",
        message: `the server ran RPC ${rpcId} ${count} times`,
        details: { rpc: rpcId, runs: count },
      });
    }
  }
  return violations;
}
