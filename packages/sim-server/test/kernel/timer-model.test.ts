import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/index.js";

type Command =
  | { readonly type: "set"; readonly owner: "a" | "b" | "c"; readonly delay: number }
  | { readonly type: "clear"; readonly pick: number }
  | { readonly type: "run"; readonly ms: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    type: fc.constant("set" as const),
    owner: fc.constantFrom("a" as const, "b" as const, "c" as const),
    delay: fc.oneof(
      fc.integer({ min: -5, max: 60 }),
      fc.constant(Number.NaN),
      fc.double({ min: 0, max: 60, noNaN: true }),
    ),
  }),
  fc.record({ type: fc.constant("clear" as const), pick: fc.nat() }),
  fc.record({ type: fc.constant("run" as const), ms: fc.integer({ min: 0, max: 40 }) }),
);

interface ModelTimer {
  readonly id: number;
  readonly owner: string;
  readonly at: number;
  live: boolean;
}

describe("timers against a reference model (fast-check, seed 42)", () => {
  it("fire in (due time, creation order), exactly once, never after clear; owner counts match", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { maxLength: 80 }), async (commands) => {
        const sim = new Simulation({ seed: 1 });
        const model: ModelTimer[] = [];
        const handles: unknown[] = [];
        const fired: Array<{ id: number; t: number }> = [];
        const expected: Array<{ id: number; t: number }> = [];
        let now = 0;
        const runModel = (until: number): void => {
          const due = model
            .filter((m) => m.live && m.at <= until)
            .sort((x, y) => x.at - y.at || x.id - y.id);
          for (const m of due) {
            m.live = false;
            expected.push({ id: m.id, t: m.at });
          }
          now = until;
        };
        for (const command of commands) {
          if (command.type === "set") {
            const id = model.length;
            const d = command.delay;
            const delay = d >= 1 && d <= 2_147_483_647 ? d : 1;
            model.push({ id, owner: command.owner, at: now + delay, live: true });
            handles.push(
              sim.clockFor(command.owner).setTimeout(() => fired.push({ id, t: sim.now() }), d),
            );
          } else if (command.type === "clear") {
            if (model.length === 0) continue;
            const index = command.pick % model.length;
            const m = model[index];
            if (m !== undefined) m.live = false;
            sim.clock.clearTimeout(handles[index] as object);
          } else {
            await sim.runFor(command.ms);
            runModel(now + command.ms);
          }
          for (const owner of ["a", "b", "c"]) {
            const live = model.filter((m) => m.live && m.owner === owner).length;
            expect(sim.pendingTimers(owner)).toBe(live);
          }
        }
        await sim.runUntilIdle();
        runModel(Number.POSITIVE_INFINITY);
        expect(fired).toEqual(expected);
        expect(sim.timerOwners()).toEqual([]);
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});
