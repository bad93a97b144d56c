/**
 * Measures runs-to-catch of the code in the tree it runs in with the suite's fixed fault mix and
 * with swarm profiles, and prints one Markdown row per tree (the tables in docs/ci.md). Mutants are
 * patches now (packages/scenarios/mutants/), so run it in a scratch worktree with one applied:
 *
 *   git apply packages/scenarios/mutants/conn/<id>.patch
 *   npx tsx packages/scenarios/src/sweep/measure-swarm.ts conn|lease [seeds=8] [maxRuns=300] [label]
 */
import fc from "fast-check";
import type { Suite } from "../runner/suite.js";
import { connCaseArbitrary } from "../suites/conn/conn-case.js";
import { conn } from "../suites/conn.js";
import { leaseCaseArbitrary } from "../suites/lease/lease-case.js";
import { lease } from "../suites/lease.js";
import { connSwarmCaseArbitrary } from "./conn-swarm.js";
import { leaseSwarmCaseArbitrary } from "./lease-swarm.js";
import { type CatchStats, runsToCatch } from "./runs-to-catch.js";

interface Subject {
  readonly fixed: Suite<unknown>;
  readonly swarm: Suite<unknown>;
  /** Half the runs from the fixed mix, half swarm. */
  readonly mixed: Suite<unknown>;
}

function subject(suite: string): Subject {
  if (suite === "conn") {
    return {
      fixed: conn as Suite<unknown>,
      swarm: { ...conn, arbitrary: connSwarmCaseArbitrary } as Suite<unknown>,
      mixed: {
        ...conn,
        arbitrary: fc.oneof(connCaseArbitrary, connSwarmCaseArbitrary),
      } as Suite<unknown>,
    };
  }
  if (suite === "lease") {
    return {
      fixed: lease as Suite<unknown>,
      swarm: { ...lease, arbitrary: leaseSwarmCaseArbitrary } as Suite<unknown>,
      mixed: {
        ...lease,
        arbitrary: fc.oneof(leaseCaseArbitrary, leaseSwarmCaseArbitrary),
      } as Suite<unknown>,
    };
  }
  throw new RangeError(
    `usage: measure-swarm.ts conn|lease [seeds] [maxRuns] [label], got "${suite}"`,
  );
}

const chosen = subject(process.argv[2] ?? "conn");
const seedCount = Number(process.argv[3] ?? 8);
const maxRuns = Number(process.argv[4] ?? 300);
const label = process.argv[5] ?? "working tree";
if (!Number.isSafeInteger(seedCount) || seedCount < 1 || !Number.isSafeInteger(maxRuns)) {
  throw new RangeError("usage: measure-swarm.ts conn|lease [seeds] [maxRuns] [label]");
}
const seeds = Array.from({ length: seedCount }, (_, index) => index + 1);

function cell(stats: CatchStats): string {
  return `${stats.caught}/${seeds.length} · median ${stats.median} · mean ${stats.mean.toFixed(1)}`;
}

const a = await runsToCatch(chosen.fixed, seeds, maxRuns);
const b = await runsToCatch(chosen.swarm, seeds, maxRuns);
const c = await runsToCatch(chosen.mixed, seeds, maxRuns);
process.stderr.write(
  `seeds 1..${seeds.length}, at most ${maxRuns} runs each; a survivor counts as ${maxRuns + 1}\n` +
    `fixed ${a.runs.join(",")} swarm ${b.runs.join(",")} mixed ${c.runs.join(",")}\n`,
);
process.stdout.write(`| ${label} | ${cell(a)} | ${cell(b)} | ${cell(c)} |\n`);
