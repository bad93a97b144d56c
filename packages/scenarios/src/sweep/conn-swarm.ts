import fc from "fast-check";
import { swarmFaults } from "../arbitraries/swarm.js";
import type { ConnCase, ConnFault, GoawayFaultMode } from "../suites/conn/conn-case.js";
import { connCaseArbitrary } from "../suites/conn/conn-case.js";

const at = fc.integer({ min: 0, max: 40_000 });
const duration = fc.integer({ min: 500, max: 20_000 });

/**
 * The `conn` suite's fault kinds, one arbitrary per kind, with the same ranges as the suite's own
 * fixed mix (`suites/conn/conn-case.ts`), so that a comparison measures the mix, not the ranges.
 */
export function connFaultKinds(servers: number): {
  readonly [kind: string]: fc.Arbitrary<ConnFault>;
} {
  const server = fc.integer({ min: 0, max: servers - 1 });
  const timed = <K extends "refuse" | "accept-then-close" | "blackhole" | "partition">(kind: K) =>
    fc.record({ at, kind: fc.constant(kind), server, durationMs: duration });
  return {
    goaway: fc.record({
      at,
      kind: fc.constant("goaway" as const),
      server,
      mode: fc.constantFrom<GoawayFaultMode>("graceful", "immediate", "too_many_pings"),
    }),
    restart: fc.record({
      at,
      kind: fc.constant("restart" as const),
      server,
      downMs: fc.integer({ min: 0, max: 10_000 }),
    }),
    refuse: timed("refuse"),
    "accept-then-close": timed("accept-then-close"),
    blackhole: timed("blackhole"),
    partition: timed("partition"),
    "reset-connections": fc.record({ at, kind: fc.constant("reset-connections" as const), server }),
    "refuse-streams": fc.record({
      at,
      kind: fc.constant("refuse-streams" as const),
      server,
      count: fc.integer({ min: 1, max: 3 }),
    }),
    addresses: fc.record({
      at,
      kind: fc.constant("addresses" as const),
      keep: fc.array(fc.boolean(), { minLength: servers, maxLength: servers }),
    }),
  };
}

/**
 * `conn` cases whose fault plan is drawn swarm-style (same world and workload arbitrary, same
 * maximum of 6 faults). For measuring mutant catch speed; shrinking goes through `chain`, so it is
 * weaker than the suite's own arbitrary.
 */
export const connSwarmCaseArbitrary: fc.Arbitrary<ConnCase> = connCaseArbitrary.chain((base) =>
  swarmFaults(connFaultKinds(base.servers), { maxFaults: 6 }).map(({ faults }) => ({
    ...base,
    faults: [...faults].sort((a, b) => a.at - b.at),
  })),
);
