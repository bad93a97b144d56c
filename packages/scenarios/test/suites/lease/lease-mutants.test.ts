import type { LessorMutants } from "@dsim/core";
import { describe, expect, it } from "vitest";
import { runSuite } from "../../../src/runner/index.js";
import { makeLeaseSuite } from "../../../src/suites/lease.js";

/** Every injectable lessor bug and the invariant expected to catch it. */
const MUTANTS: readonly [keyof LessorMutants, string][] = [
  ["advanceOnlyOnDelivery", "lease.keepalive-rate"],
  ["resendUntilResponse", "lease.keepalive-rate"],
  ["keepOrphanLeases", "lease.no-requests-without-subscribers"],
  ["noLeaderClosesAll", "lease.no-leader-closes-only-require-leader"],
  ["cancelClosesLease", "lease.cancel-affects-no-other"],
  ["haltOnStreamError", "lease.liveness-after-heal"],
  ["noDeadlineReap", "lease.subscriptions-close-after-lease-ends"],
  ["unboundedBuffer", "lease.subscriber-buffer-bound"],
  ["deliverAfterClose", "lease.close-exactly-once"],
  ["leakTimersOnClose", "lease.nothing-left-after-close"],
  ["openAfterClose", "lease.keepalive-after-close-halted"],
];

/** Fixed seeds tried in order; a mutant is caught when one of them finds a failing case. */
const SEEDS = [42, 7];
const RUNS = 100;

describe("lease suite catches injected lessor bugs (mutation score)", () => {
  it.each(MUTANTS)("catches %s", async (mutant, invariant) => {
    const seen: string[] = [];
    for (const seed of SEEDS) {
      const result = await runSuite(makeLeaseSuite({ [mutant]: true }), {
        seed,
        runs: RUNS,
        endOnFailure: true,
      });
      if (result.failure !== undefined) {
        seen.push(`seed ${seed} run ${result.runs}: ${result.failure.invariant}`);
        break;
      }
      seen.push(`seed ${seed}: survived ${RUNS} runs`);
    }
    console.log(`${mutant}: ${seen.join("; ")}`);
    expect(seen.at(-1)).toContain(invariant);
  });
});
