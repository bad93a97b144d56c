import { describe, expect, it } from "vitest";
import { isSimulationError, Simulation, SimulationError } from "../../src/index.js";

function sleep(sim: Simulation, ms: number): Promise<void> {
  return new Promise((resolve) => sim.clock.setTimeout(resolve, ms));
}

async function rejection(promise: Promise<unknown>): Promise<SimulationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SimulationError) return error;
    throw error;
  }
  throw new Error("expected a SimulationError, but the promise resolved");
}

describe("settle semantics", () => {
  it("a chain of awaits started by a timer completes before the next timer fires", async () => {
    const sim = new Simulation({ seed: 1 });
    const log: string[] = [];
    sim.clock.setTimeout(() => {
      void (async () => {
        for (let i = 0; i < 1000; i++) await Promise.resolve();
        await new Promise<void>((resolve) => process.nextTick(resolve));
        for (let i = 0; i < 100; i++) await null;
        log.push("chain done");
      })();
    }, 1);
    sim.clock.setTimeout(() => log.push("next timer"), 1);
    await sim.runFor(1);
    expect(log).toEqual(["chain done", "next timer"]);
  });

  it("interleaves nextTick and promise jobs completely between events", async () => {
    const sim = new Simulation({ seed: 1 });
    const log: string[] = [];
    sim.clock.setTimeout(() => {
      let depth = 0;
      const bounce = (): void => {
        if (++depth === 50) {
          log.push("bounced");
          return;
        }
        if (depth % 2 === 0) process.nextTick(bounce);
        else queueMicrotask(bounce);
      };
      bounce();
    }, 1);
    sim.clock.setTimeout(() => log.push("t2"), 1);
    await sim.runFor(2);
    expect(log).toEqual(["bounced", "t2"]);
  });

  it("settle() runs pending jobs without moving time", async () => {
    const sim = new Simulation({ seed: 1 });
    let done = false;
    void Promise.resolve()
      .then(() => undefined)
      .then(() => {
        done = true;
      });
    await sim.settle();
    expect(done).toBe(true);
    expect(sim.now()).toBe(0);
  });

  it("runFor leaves the clock exactly at now + ms and fires timers due at the end", async () => {
    const sim = new Simulation({ seed: 1 });
    const fired: number[] = [];
    sim.clock.setTimeout(() => fired.push(sim.now()), 10);
    await sim.runFor(9.5);
    expect(sim.now()).toBe(9.5);
    expect(fired).toEqual([]);
    await sim.runFor(0.5);
    expect(fired).toEqual([10]);
    await sim.runFor(0);
    expect(sim.now()).toBe(10);
  });
});

describe("runUntil / runUntilIdle", () => {
  it("returns as soon as the predicate holds (checked before the first timer)", async () => {
    const sim = new Simulation({ seed: 1 });
    let count = 0;
    const tick = (): void => {
      count++;
      sim.clock.setTimeout(tick, 10);
    };
    sim.clock.setTimeout(tick, 10);
    await sim.runUntil(() => true);
    expect(sim.now()).toBe(0);
    await sim.runUntil(() => count === 3);
    expect(sim.now()).toBe(30);
  });

  it("throws STALL when no timer is pending and the predicate is false", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.spawn("waiter", () => new Promise<void>(() => {}));
    sim.clock.setTimeout(() => {}, 5);
    const error = await rejection(sim.runUntil(() => false));
    expect(error.code).toBe("STALL");
    expect(error.at).toBe(5);
    expect(error.message).toMatch(/stalled at t=5.*no timer is pending.*waiter#0/);
  });

  it("throws TIMEOUT beyond timeoutMs and leaves the clock at the deadline", async () => {
    const sim = new Simulation({ seed: 1 });
    const tick = (): void => {
      sim.clockFor("poller").setTimeout(tick, 7);
    };
    tick();
    const error = await rejection(sim.runUntil(() => false, { timeoutMs: 100 }));
    expect(error.code).toBe("TIMEOUT");
    expect(sim.now()).toBe(100);
    expect(error.message).toMatch(/timed out after 100 ms.*owners: poller/);
  });

  it("runUntilIdle stops when idle or at the limit", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.clock.setTimeout(() => sim.clock.setTimeout(() => {}, 50), 50);
    expect(await sim.runUntilIdle()).toBe(true);
    expect(sim.now()).toBe(100);
    const tick = (): void => {
      sim.clock.setTimeout(tick, 10);
    };
    tick();
    expect(await sim.runUntilIdle({ limitMs: 35 })).toBe(false);
    expect(sim.now()).toBe(135);
  });

  it("validates arguments up front", () => {
    const sim = new Simulation({ seed: 1 });
    expect(() => sim.runFor(-1)).toThrow(RangeError);
    expect(() => sim.runFor(Number.NaN)).toThrow(RangeError);
    expect(() => sim.runUntil(() => true, { timeoutMs: -1 })).toThrow(RangeError);
    expect(() => new Simulation({ seed: -1 })).toThrow(RangeError);
    expect(() => new Simulation({ seed: 2 ** 32 })).toThrow(RangeError);
    expect(() => new Simulation({ seed: 1, maxEvents: 0 })).toThrow(RangeError);
  });
});

describe("livelock and failures", () => {
  it("maxEvents turns an endless timer loop into LIVELOCK", async () => {
    const sim = new Simulation({ seed: 1, maxEvents: 500 });
    const loop = (): void => {
      sim.clockFor("spinner").setTimeout(loop, 0);
    };
    loop();
    const error = await rejection(sim.runFor(1_000_000));
    expect(error.code).toBe("LIVELOCK");
    expect(error.message).toMatch(/more than 500 timer events in total.*owners: spinner/);
    expect(sim.eventsFired).toBe(500);
  });

  it("maxEventsPerInstant turns a burst at one instant into LIVELOCK", async () => {
    const sim = new Simulation({ seed: 1, maxEventsPerInstant: 10 });
    for (let i = 0; i < 11; i++) sim.clock.setTimeout(() => {}, 5);
    const error = await rejection(sim.runFor(10));
    expect(error.code).toBe("LIVELOCK");
    expect(error.at).toBe(5);
    expect(error.message).toMatch(/more than 10 timer events at t=5/);
  });

  it("a throwing timer callback fails the run with TIMER_FAILED and traces it", async () => {
    const sim = new Simulation({ seed: 1 });
    const boom = new Error("boom");
    sim.clock.setTimeout(() => {
      throw boom;
    }, 3);
    const error = await rejection(sim.runFor(10));
    expect(error.code).toBe("TIMER_FAILED");
    expect(error.cause).toBe(boom);
    expect(sim.trace.events.map((e) => e.kind)).toContain("kernel.timer-error");
  });

  it("a rejected spawned task fails the current run and is reported once", async () => {
    const sim = new Simulation({ seed: 1 });
    const result = sim.spawn("worker", async () => {
      await sleep(sim, 5);
      throw new Error("worker broke");
    });
    const late: string[] = [];
    sim.clock.setTimeout(() => late.push("after"), 50);
    const error = await rejection(sim.runFor(100));
    expect(error.code).toBe("TASK_FAILED");
    expect(error.message).toMatch(/task "worker" failed at t=5: Error: worker broke/);
    expect(late).toEqual([]);
    await expect(result).rejects.toThrow("worker broke");
    await sim.runFor(100);
    expect(late).toEqual(["after"]);
    expect(sim.trace.events.filter((e) => e.kind === "kernel.task-failed")).toHaveLength(1);
  });

  it("a task failing outside a run is rethrown by the next settle; sync throws count too", async () => {
    const sim = new Simulation({ seed: 1 });
    void sim.spawn("sync", () => {
      throw new Error("sync throw");
    });
    await Promise.resolve();
    const error = await rejection(sim.settle());
    expect(error.code).toBe("TASK_FAILED");
    expect(isSimulationError(error, "TASK_FAILED")).toBe(true);
    expect(sim.pendingTasks()).toEqual([]);
  });

  it("tracks pending tasks by name", async () => {
    const sim = new Simulation({ seed: 1 });
    const done = sim.spawn("sleeper", () => sleep(sim, 10).then(() => 42));
    expect(sim.pendingTasks()).toEqual(["sleeper#0"]);
    await sim.runFor(10);
    expect(sim.pendingTasks()).toEqual([]);
    expect(await done).toBe(42);
  });

  it("refuses overlapping runs (BUSY) and runs after close (CLOSED)", async () => {
    const sim = new Simulation({ seed: 1 });
    sim.clock.setTimeout(() => {}, 5);
    const first = sim.runFor(10);
    const busy = await rejection(sim.runFor(1));
    expect(busy.code).toBe("BUSY");
    await first;
    await sim.close();
    expect(sim.pendingTimers()).toBe(0);
    expect((await rejection(sim.runFor(1))).code).toBe("CLOSED");
  });

  it("close drops every timer and is idempotent; asyncDispose closes", async () => {
    let leaked: Simulation | undefined;
    {
      await using sim = new Simulation({ seed: 1 });
      sim.clockFor("a").setTimeout(() => {}, 5);
      leaked = sim;
    }
    expect(leaked.pendingTimers()).toBe(0);
    expect(leaked.timerOwners()).toEqual([]);
    await leaked.close();
  });
});
