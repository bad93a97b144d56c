import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EtcdCluster,
  EtcdStatusError,
  type KeepAliveSession,
  LeaseModel,
  type LeaseModelOp,
  type LeaseModelOutput,
} from "../../src/etcd/index.js";
import { Simulation } from "../../src/kernel/index.js";

const idArb = fc.constantFrom(1n, 2n, 3n);
const opArb: fc.Arbitrary<LeaseModelOp> = fc.oneof(
  fc.record({
    kind: fc.constant("grant" as const),
    id: idArb,
    ttl: fc.oneof(fc.integer({ min: -3, max: 8 }), fc.constant(9_000_000_001)),
  }),
  fc.record({ kind: fc.constant("revoke" as const), id: idArb }),
  fc.record({ kind: fc.constant("renew" as const), id: idArb }),
  fc.record({ kind: fc.constant("timeToLive" as const), id: idArb }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 4000 }) }),
  // Short steps land inside the expiry window (expired, not yet removed by the 500 ms loop).
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 400 }) }),
  fc.constant({ kind: "transferLeader" as const }),
);

/** Runs one op against the fake cluster and answers in the model's vocabulary. */
async function onCluster(
  sim: Simulation,
  cluster: EtcdCluster,
  session: KeepAliveSession,
  last: { ttl: number | undefined },
  op: LeaseModelOp,
): Promise<LeaseModelOutput> {
  try {
    switch (op.kind) {
      case "grant":
        return { ok: true, ttl: cluster.grant(0, { ID: op.id, TTL: op.ttl }).TTL };
      case "revoke":
        cluster.revoke(0, op.id);
        return { ok: true };
      case "renew":
        last.ttl = undefined;
        session.receive(op.id);
        return { ok: true, ttl: last.ttl ?? Number.NaN };
      case "timeToLive": {
        const r = cluster.timeToLive(0, { ID: op.id, keys: false });
        return { ok: true, ttl: r.TTL, grantedTTL: r.grantedTTL };
      }
      case "advance":
        await sim.runFor(op.ms);
        return { ok: true };
      case "transferLeader":
        cluster.transferLeader();
        return { ok: true };
      case "demote":
      case "promote":
        // A leaderless stretch needs several members; the lease suite's run-time audit
        // (LeaseModelAudit) compares these against the fake etcd.
        throw new RangeError(`${op.kind} is not generated for a one-member cluster`);
    }
  } catch (error) {
    if (error instanceof EtcdStatusError) {
      return {
        ok: false,
        error: error.etcdError as "leaseExists" | "ttlTooLarge" | "leaseNotFound",
      };
    }
    throw error;
  }
}

describe("lease model check: the executable model and the fake etcd agree", () => {
  it("on random operation sequences (1 member)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 20, maxLength: 60 }), async (ops) => {
        const sim = new Simulation({ seed: 1 });
        const cluster = new EtcdCluster({
          clock: sim.clockFor("etcd"),
          random: sim.randomFor("etcd"),
        });
        const model = new LeaseModel({ electionTimeoutMs: 1000, revokeIntervalMs: 500 });
        const last: { ttl: number | undefined } = { ttl: undefined };
        const session = cluster.openKeepAlive(0, false, {
          onResponse: (r) => {
            last.ttl = r.TTL;
          },
          onEnd: () => {},
        });
        for (const [i, op] of ops.entries()) {
          const expected = model.apply(op);
          const actual = await onCluster(sim, cluster, session, last, op);
          expect({ i, op: op.kind, out: actual }).toEqual({ i, op: op.kind, out: expected });
        }
        await cluster.close();
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
