import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { swarmFaults, swarmProfile } from "../../src/arbitraries/swarm.js";

type Fault = { readonly kind: "goaway" | "drop" | "partition"; readonly at: number };
const at = fc.nat({ max: 1000 });
const kinds = {
  goaway: fc.record({ kind: fc.constant("goaway" as const), at }),
  drop: fc.record({ kind: fc.constant("drop" as const), at }),
  partition: fc.record({ kind: fc.constant("partition" as const), at }),
};
const swarm = swarmFaults<Fault["kind"], Fault>(kinds, { maxFaults: 12 });

describe("swarm profiles", () => {
  it("only draws enabled kinds, within the run's own fault budget", () => {
    fc.assert(
      fc.property(swarm, ({ profile, faults }) => {
        expect(faults.length).toBeLessThanOrEqual(profile.maxFaults);
        for (const fault of faults) expect(profile.enabled).toContain(fault.kind);
        for (const kind of profile.enabled) {
          expect(profile.weights[kind]).toBeGreaterThanOrEqual(1);
          expect(profile.weights[kind]).toBeLessThanOrEqual(8);
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("varies the mix: many runs lack a kind entirely, some are dominated by one", () => {
    const fixed = fc.array(fc.oneof(kinds.goaway, kinds.drop, kinds.partition), { maxLength: 12 });
    const samples = 2000;
    const swarmRuns = fc.sample(swarm, { seed: 7, numRuns: samples }).map((s) => s.faults);
    const fixedRuns = fc.sample(fixed, { seed: 7, numRuns: samples });
    const share = (
      runs: readonly (readonly Fault[])[],
      test: (faults: readonly Fault[]) => boolean,
    ) => runs.filter(test).length / runs.length;
    // Runs with at least 8 faults but no partition: the mix a partition-masked bug needs.
    const noPartition = (faults: readonly Fault[]) =>
      faults.length >= 8 && faults.every((f) => f.kind !== "partition");
    // Runs with at least 8 faults, 7 of them drops: a storm of one kind.
    const dropHeavy = (faults: readonly Fault[]) =>
      faults.length >= 8 && faults.filter((f) => f.kind === "drop").length >= 7;
    expect(share(swarmRuns, noPartition)).toBeGreaterThan(4 * share(fixedRuns, noPartition));
    expect(share(swarmRuns, dropHeavy)).toBeGreaterThan(4 * share(fixedRuns, dropHeavy));
    // And it still produces fault-free runs and full ones.
    expect(share(swarmRuns, (f) => f.length === 0)).toBeGreaterThan(0.05);
    expect(share(swarmRuns, (f) => f.length >= 10)).toBeGreaterThan(0.01);
  });

  it("shrinks towards fewer kinds and fewer faults", () => {
    const result = fc.check(
      fc.property(swarm, ({ faults }) => faults.filter((f) => f.kind === "drop").length < 2),
      { seed: 3, numRuns: 500 },
    );
    expect(result.failed).toBe(true);
    const [shrunk] = result.counterexample ?? [];
    expect(shrunk?.faults.map((f) => f.kind)).toEqual(["drop", "drop"]);
    expect(shrunk?.profile.enabled).toEqual(["drop"]);
  });

  it("rejects bad options up front", () => {
    expect(() => swarmProfile([], { maxFaults: 1 })).toThrow(RangeError);
    expect(() => swarmProfile(["a", "a"], { maxFaults: 1 })).toThrow(/unique/);
    expect(() => swarmProfile(["a"], { maxFaults: -1 })).toThrow(/maxFaults/);
    expect(() => swarmProfile(["a"], { maxFaults: 1, maxWeight: 0 })).toThrow(/maxWeight/);
  });
});
