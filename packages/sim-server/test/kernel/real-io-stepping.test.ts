import { describe, expect, it } from "vitest";
import { isSimulationError, Simulation } from "../../src/index.js";

/** A real immediate chain of `turns` event-loop turns, touching `touch` in each (like nghttp2). */
function realChain(turns: number, touch: () => void, done: () => void): void {
  if (turns === 0) {
    done();
    return;
  }
  setImmediate(() => {
    touch();
    realChain(turns - 1, touch, done);
  });
}

describe("run loop with real I/O", () => {
  it("waits for real event-loop work to finish before the next timer, only while a resource is open", async () => {
    const observe = async (withResource: boolean): Promise<string[]> => {
      const sim = new Simulation({ seed: 1 });
      const io = withResource ? sim.realIo.open() : undefined;
      const log: string[] = [];
      // A timer at t=1 starts real work spanning 20 turns; the next timers must see it finished.
      sim.clock.setTimeout(() => {
        realChain(
          20,
          () => io?.touch(),
          () => log.push(`real work done, now=${sim.now()}`),
        );
      }, 1);
      sim.clock.setTimeout(() => log.push("second timer at t=1"), 1);
      sim.clock.setTimeout(() => log.push("timer at t=2"), 2);
      await sim.runFor(3);
      io?.close();
      // Let any chain still running finish outside the simulation.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await sim.close();
      return log;
    };
    expect(await observe(true)).toEqual([
      "real work done, now=1",
      "second timer at t=1",
      "timer at t=2",
    ]);
    // Without a registered resource the batched loop does not wait: time runs ahead of the work.
    expect((await observe(false)).slice(0, 2)).toEqual(["second timer at t=1", "timer at t=2"]);
  });

  it("also waits for other queued immediates while a resource is open", async () => {
    await using sim = new Simulation({ seed: 1 });
    const io = sim.realIo.open();
    const log: string[] = [];
    sim.clock.setTimeout(() => {
      // No touch at all: only the pending immediates tell the loop that work remains.
      realChain(
        5,
        () => {},
        () => log.push(`chain done at ${sim.now()}`),
      );
    }, 1);
    sim.clock.setTimeout(() => log.push(`next timer at ${sim.now()}`), 2);
    await sim.runFor(5);
    io.close();
    expect(log).toEqual(["chain done at 1", "next timer at 2"]);
  });

  it("fails with LIVELOCK, not a hang, when the resources never go quiet", async () => {
    await using sim = new Simulation({ seed: 1, maxBusyTurns: 200 });
    const io = sim.realIo.open();
    let spinning = true;
    const spin = (): void => {
      if (!spinning) return;
      io.touch();
      setImmediate(spin);
    };
    spin();
    sim.clock.setTimeout(() => {}, 10);
    const error = await sim.runFor(100).catch((e: unknown) => e);
    spinning = false;
    io.close();
    expect(isSimulationError(error, "LIVELOCK")).toBe(true);
    expect(String((error as Error).message)).toMatch(
      /real I\/O \(1 virtual socket\(s\)\) stayed busy for 201 event-loop turns/,
    );
  });

  it("switches back to batched stepping when the last resource closes", async () => {
    await using sim = new Simulation({ seed: 1 });
    const io = sim.realIo.open();
    expect(sim.realIo.active).toBe(true);
    let fired = 0;
    for (let i = 1; i <= 1_000; i++) sim.clock.setTimeout(() => fired++, i);
    sim.clock.setTimeout(() => io.close(), 10);
    await sim.runFor(1_000);
    expect(fired).toBe(1_000);
    expect(sim.realIo.active).toBe(false);
    expect(sim.realIo.openCount).toBe(0);
  });

  it("validates quietTurns and maxBusyTurns", () => {
    expect(() => new Simulation({ seed: 1, quietTurns: 0 })).toThrow(/quietTurns/);
    expect(() => new Simulation({ seed: 1, maxBusyTurns: 1.5 })).toThrow(/maxBusyTurns/);
  });
});
