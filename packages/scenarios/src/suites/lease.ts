import type { Suite } from "../runner/suite.js";
import { type LeaseCase, leaseCaseArbitrary } from "./lease/lease-case.js";
import { runLeaseCase } from "./lease/run-lease-case.js";

/** Builds the `lease` suite. */
export function makeLeaseSuite(): Suite<LeaseCase> {
  return {
    name: "lease",
    description:
      "Lessor vs a fake etcd cluster: keep-alive rate and gaps, buffers, no-leader, expiry, per-call outcomes, leaks",
    defaultRuns: 1_000,
    arbitrary: leaseCaseArbitrary,
    plan: (testCase) => ({
      members: testCase.members,
      electionTimeoutMs: testCase.electionTimeoutMs,
      transport: testCase.transport,
      latencyMs: testCase.latencyMs,
      leases: testCase.leases.map((l) => ({ ...l })),
      subscribers: testCase.subscribers.map((s) => ({ ...s })),
      faults: testCase.faults.map((f) => ({ ...f })),
      probes: testCase.probes.map((p) => ({ ...p })),
    }),
    run: (sim, testCase) => runLeaseCase(sim, testCase),
  };
}

/**
 * `lease`: core's Lessor against a fake etcd cluster (1, 3 or 5 members; direct transport or the
 * full gRPC stack) under generated leader loss, quorum loss, leader change, member restarts,
 * GOAWAY, dropped requests/responses and latency spikes, with fast, slow and absent consumers,
 * cancellations and revokes. Invariants are judged from the outside: the requests the server saw,
 * what each subscriber received, and what the kernel still holds after close.
 */
export const lease: Suite<LeaseCase> = makeLeaseSuite();
