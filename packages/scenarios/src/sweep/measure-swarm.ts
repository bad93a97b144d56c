/**
 * Measures runs-to-catch of every mutant of a suite with the suite's fixed fault mix and with
 * swarm profiles, and prints a Markdown table (the ones in docs/ci.md):
 *
 *   npx tsx packages/scenarios/src/sweep/measure-swarm.ts conn|lease [seeds=8] [maxRuns=300]
 */
import type { LessorMutants } from "@dsim/core";
import fc from "fast-check";
import type { Suite } from "../runner/suite.js";
import { connCaseArbitrary } from "../suites/conn/conn-case.js";
import { connMutants } from "../suites/conn/mutant-catalog.js";
import { makeConnSuite } from "../suites/conn.js";
import { leaseCaseArbitrary } from "../suites/lease/lease-case.js";
import { makeLeaseSuite } from "../suites/lease.js";
import { connSwarmCaseArbitrary } from "./conn-swarm.js";
import { leaseSwarmCaseArbitrary } from "./lease-swarm.js";
import { type CatchStats, runsToCatch } from "./runs-to-catch.js";

/** The lessor mutants, as listed in test/suites/lease/lease-mutants.test.ts. */
const LEASE_MUTANTS: readonly (keyof LessorMutants)[] = [
  "advanceOnlyOnDelivery",
  "resendUntilResponse",
  "keepOrphanLeases",
  "noLeaderClosesAll",
  "cancelClosesLease",
  "haltOnStreamError",
  "noDeadlineReap",
  "unboundedBuffer",
  "deliverAfterClose",
  "leakTimersOnClose",
  "openAfterClose",
];

interface Subject {
  readonly name: string;
  readonly fixed: Suite<unknown>;
  readonly swarm: Suite<unknown>;
  /** Half the runs from the fixed mix, half swarm. */
  readonly mixed: Suite<unknown>;
}

function subjects(suite: string): Subject[] {
  if (suite === "conn") {
    return connMutants.map(({ flag }) => {
      const fixed = makeConnSuite({ [flag]: true });
      return {
        name: flag,
        fixed: fixed as Suite<unknown>,
        swarm: { ...fixed, arbitrary: connSwarmCaseArbitrary } as Suite<unknown>,
        mixed: {
          ...fixed,
          arbitrary: fc.oneof(connCaseArbitrary, connSwarmCaseArbitrary),
        } as Suite<unknown>,
      };
    });
  }
  if (suite === "lease") {
    return LEASE_MUTANTS.map((flag) => {
      const fixed = makeLeaseSuite({ [flag]: true });
      return {
        name: flag,
        fixed: fixed as Suite<unknown>,
        swarm: { ...fixed, arbitrary: leaseSwarmCaseArbitrary } as Suite<unknown>,
        mixed: {
          ...fixed,
          arbitrary: fc.oneof(leaseCaseArbitrary, leaseSwarmCaseArbitrary),
        } as Suite<unknown>,
      };
    });
  }
  throw new RangeError(`usage: measure-swarm.ts conn|lease [seeds] [maxRuns], got "${suite}"`);
}

const chosen = subjects(process.argv[2] ?? "conn");
const seedCount = Number(process.argv[3] ?? 8);
const maxRuns = Number(process.argv[4] ?? 300);
if (!Number.isSafeInteger(seedCount) || seedCount < 1 || !Number.isSafeInteger(maxRuns)) {
  throw new RangeError("usage: measure-swarm.ts conn|lease [seeds] [maxRuns]");
}
const seeds = Array.from({ length: seedCount }, (_, index) => index + 1);

function cell(stats: CatchStats): string {
  return `${stats.caught}/${seeds.length} · median ${stats.median} · mean ${stats.mean.toFixed(1)}`;
}

const lines = [
  `seeds 1..${seeds.length}, at most ${maxRuns} runs each; a survivor counts as ${maxRuns + 1}`,
  "",
  "| mutant | fixed mix: caught · median · mean runs | swarm | half fixed, half swarm |",
  "| --- | --- | --- | --- |",
];
let fixedTotal = 0;
let swarmTotal = 0;
let mixedTotal = 0;
for (const subject of chosen) {
  const a = await runsToCatch(subject.fixed, seeds, maxRuns);
  const b = await runsToCatch(subject.swarm, seeds, maxRuns);
  const c = await runsToCatch(subject.mixed, seeds, maxRuns);
  fixedTotal += a.mean;
  swarmTotal += b.mean;
  mixedTotal += c.mean;
  lines.push(`| ${subject.name} | ${cell(a)} | ${cell(b)} | ${cell(c)} |`);
  process.stderr.write(
    `${subject.name}: fixed ${a.runs.join(",")} swarm ${b.runs.join(",")} mixed ${c.runs.join(",")}\n`,
  );
}
lines.push(
  `| **sum of means** | ${fixedTotal.toFixed(1)} | ${swarmTotal.toFixed(1)} | ${mixedTotal.toFixed(1)} |`,
);
process.stdout.write(`${lines.join("\n")}\n`);
