import { fc } from "@dsim/scenarios";
import { Simulation } from "@dsim/sim-server";
import { describe, expect, it } from "vitest";
import suites from "../src/grpc-js.suite.js";

const RUNS = 100;

/** Runs one case in a fresh simulation; the verdict is ignored, the trace digest returned. */
async function digestOf(
  suite: (typeof suites)[number],
  simSeed: number,
  testCase: Parameters<(typeof suites)[number]["run"]>[1],
): Promise<string> {
  await using sim = new Simulation({ ...suite.simulation, seed: simSeed });
  await suite.run(sim, testCase).catch(() => undefined);
  return sim.trace.digest();
}

describe("grpc-js suites are deterministic (--check-determinism over 100 runs)", () => {
  // `dsim run --check-determinism` stops at the first case that breaks an invariant, and these
  // suites break invariants by design (grpc-js's findings); so every case is run twice here and the
  // digests compared whatever the verdict.
  for (const suite of suites) {
    it(`${suite.name}: ${RUNS} cases, each run twice, same digest`, async () => {
      const cases = fc.sample(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), suite.arbitrary), {
        seed: 42,
        numRuns: RUNS,
      });
      const differing: number[] = [];
      for (const [index, [simSeed, testCase]] of cases.entries()) {
        const first = await digestOf(suite, simSeed, testCase);
        const second = await digestOf(suite, simSeed, testCase);
        if (first !== second) differing.push(index);
      }
      expect(differing).toEqual([]);
    }, 600_000);
  }
});
