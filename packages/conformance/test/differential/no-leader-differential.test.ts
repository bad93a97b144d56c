import { GrpcCode } from "@dsim/core";
import { WireEtcd } from "@dsim/sim-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EtcdCluster } from "../helpers/etcd-cluster.js";
import { agree } from "./compare.js";
import { type LeaseOp, LeaseSide, type Outcome, showOp } from "./lease-ops.js";

const show = (o: Outcome): string =>
  JSON.stringify(o, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));

/** Polls (bounded) until `side` answers a require-leader call with `etcdserver: no leader`. */
async function untilLeaderless(side: LeaseSide, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  side.requireLeaderOnUnary = true;
  try {
    for (;;) {
      const out = await side.run({ op: "leases" });
      if (out.code === GrpcCode.UNAVAILABLE && out.details === "etcdserver: no leader") return;
      if (performance.now() > deadline) {
        throw new Error(`${side.name} still has a leader after ${timeoutMs} ms: ${show(out)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    side.requireLeaderOnUnary = false;
  }
}

/**
 * The known disagreement (docs/differential.md, "No leader"): without `hasleader` metadata, real
 * etcd does not fail fast — Grant/Revoke/TimeToLive wait for a leader until the caller's deadline
 * (or etcd's own request timeout) and LeaseLeases answers from the member's local lessor — while
 * the fake answers UNAVAILABLE `etcdserver: no leader` at once.
 */
function explainNoLeader(
  op: LeaseOp,
  requireLeader: boolean,
  real: Outcome,
  fake: Outcome,
): string | undefined {
  if (
    requireLeader ||
    fake.code !== GrpcCode.UNAVAILABLE ||
    fake.details !== "etcdserver: no leader"
  ) {
    return undefined;
  }
  if (op.op === "leases" && real.code === GrpcCode.OK) {
    return "etcd serves LeaseLeases from the local lessor without a leader; the fake requires one";
  }
  if (op.op !== "leases" && op.op !== "keepAliveOnce" && real.code === GrpcCode.DEADLINE_EXCEEDED) {
    return "etcd waits for a leader until the deadline unless the call carries hasleader; the fake fails fast";
  }
  return undefined;
}

describe("differential without a leader: one member of 3 cut off from the other two", () => {
  let etcd: EtcdCluster;
  let wire: WireEtcd;
  let real: LeaseSide;
  let fake: LeaseSide;
  let leaseName = "";

  beforeAll(async () => {
    etcd = await EtcdCluster.start({ size: 3, heartbeatMs: 100, electionMs: 1000 });
    wire = await WireEtcd.start({ members: 3, electionTimeoutMs: 1000 });
    const leader = await etcd.leader();
    const target = etcd.members.find((m) => m !== leader);
    if (target === undefined) throw new Error("no follower");
    real = new LeaseSide("etcd", target.clientAddress);
    const fakeTarget = ((wire.cluster.leaderIndex ?? 0) + 1) % 3;
    fake = new LeaseSide("fake", wire.addresses[fakeTarget] ?? "");
    // A lease granted while healthy, to ask about later.
    const granted = await Promise.all([
      real.run({ op: "grant", ttl: 60, id: "auto" }),
      fake.run({ op: "grant", ttl: 60, id: "auto" }),
    ]);
    leaseName = String(granted[0].body?.ID);
    // Real: freeze the other two members (SIGSTOP). Fake: cut every member off (quorum loss).
    for (const m of etcd.members) if (m !== target) etcd.stop(m);
    wire.cluster.loseQuorum(60_000);
    await Promise.all([untilLeaderless(real, 10_000), untilLeaderless(fake, 10_000)]);
  });
  afterAll(async () => {
    real?.close();
    fake?.close();
    await wire?.close();
    await etcd?.close();
  });

  it("compares codes and messages with and without `hasleader` metadata", async () => {
    expect(leaseName).toBe("L0");
    const ops: LeaseOp[] = [
      { op: "grant", ttl: 10, id: "auto" },
      { op: "revoke", id: { ref: 0 } },
      { op: "timeToLive", id: { ref: 0 }, keys: false },
      { op: "leases" },
      { op: "keepAliveOnce", id: { ref: 0 } },
    ];
    const rows: string[] = [];
    const unexplained: string[] = [];
    let same = 0;
    for (const requireLeader of [true, false]) {
      real.requireLeaderOnUnary = requireLeader;
      fake.requireLeaderOnUnary = requireLeader;
      real.deadlineMs = 2500;
      fake.deadlineMs = 2500;
      for (const op of ops) {
        const [r, f] = await Promise.all([real.run(op), fake.run(op)]);
        const agreed = agree(op, r, f);
        const why = agreed ? undefined : explainNoLeader(op, requireLeader, r, f);
        if (agreed) same += 1;
        else if (why === undefined) unexplained.push(`hasleader=${requireLeader} ${showOp(op)}`);
        rows.push(
          `${agreed ? "same" : "DIFF"} hasleader=${requireLeader} ${showOp(op)}\n    etcd: ${show(r)}\n    fake: ${show(f)}${why === undefined ? "" : `\n    why:  ${why}`}`,
        );
      }
    }
    console.log(`no-leader differential: agreement ${same}/${rows.length}\n${rows.join("\n")}`);
    expect(unexplained).toEqual([]);
    // With hasleader (what etcdctl's keep-alive and core's lessor send) both sides must agree.
    expect(same).toBeGreaterThanOrEqual(6);
  });
});
