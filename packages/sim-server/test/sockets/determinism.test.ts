import { execFile } from "node:child_process";
import timers from "node:timers";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runHttp2Workload } from "./http2-workload.js";

const run = promisify(execFile);
const child = fileURLToPath(new URL("./digest-child.ts", import.meta.url));

interface ChildResult {
  readonly digest: string;
  readonly rpcs: number;
  readonly failures: number;
  readonly events: number;
}

async function inChildProcess(
  seed: number,
  durationMs: number,
  grpc: boolean,
): Promise<ChildResult> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", child, String(seed), String(durationMs), grpc ? "1" : "0"],
    // Bounded: a hung child fails the test instead of hanging it.
    { timeout: 120_000, cwd: fileURLToPath(new URL(".", import.meta.url)) },
  );
  return JSON.parse(stdout) as ChildResult;
}

type Trapped = "Date.now" | "Math.random" | "setTimeout" | "setInterval" | "performance.now";

/** Replaces ambient time/randomness sources with recorders for the duration of `fn`. */
async function withTraps(fn: () => Promise<void>): Promise<Trapped[]> {
  const calls: Trapped[] = [];
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = {
    dateNow: Date.now,
    mathRandom: Math.random,
    setTimeout: g.setTimeout,
    setInterval: g.setInterval,
    perfNow: Object.getOwnPropertyDescriptor(performance, "now"),
  };
  const trap = (name: Trapped) => () => {
    calls.push(name);
    throw new Error(`determinism guard: ${name} was called during a simulated run`);
  };
  Date.now = trap("Date.now");
  Math.random = trap("Math.random");
  g.setTimeout = trap("setTimeout");
  g.setInterval = trap("setInterval");
  Object.defineProperty(performance, "now", { configurable: true, value: trap("performance.now") });
  try {
    await fn();
  } finally {
    Date.now = saved.dateNow;
    Math.random = saved.mathRandom;
    g.setTimeout = saved.setTimeout;
    g.setInterval = saved.setInterval;
    if (saved.perfNow === undefined) delete (performance as unknown as Record<string, unknown>).now;
    else Object.defineProperty(performance, "now", saved.perfNow);
  }
  return calls;
}

describe("http2 over virtual sockets is deterministic", () => {
  it("the same seed gives the same digest in two separate processes (http2 + grpc-js); another seed differs", async () => {
    const [first, second] = await Promise.all([
      inChildProcess(42, 10_000, true),
      inChildProcess(42, 10_000, true),
    ]);
    expect(second.digest).toBe(first.digest);
    expect(second.events).toBe(first.events);
    // The workload must be substantial and healthy for the comparison to mean anything.
    expect(first.rpcs).toBeGreaterThan(150);
    expect(first.failures).toBe(0);
    const other = await inChildProcess(43, 10_000, true);
    expect(other.digest).not.toBe(first.digest);
  });

  it("a run never touches Date.now, Math.random, global timers or performance.now, and leaks nothing", async () => {
    let rpcs = 0;
    let digest = "";
    let leftovers: unknown[] = [];
    const calls = await withTraps(async () => {
      const result = await runHttp2Workload(11, { durationMs: 10_000, grpc: false });
      rpcs = result.rpcs;
      digest = result.sim.trace.digest();
      leftovers = [
        result.sim.realIo.openCount,
        result.sim.net.openConnections(),
        result.sim.timerOwners(),
        result.sim.pendingTasks(),
      ];
      await result.sim.close();
    });
    expect(calls).toEqual([]);
    expect(rpcs).toBeGreaterThan(100);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(leftovers).toEqual([0, 0, [], []]);
  });

  it("with grpc-js under installGlobals, nothing reaches the real timers module, process.hrtime or the traps", async () => {
    const deep: string[] = [];
    const t = timers as unknown as Record<string, unknown>;
    const saved = {
      setTimeout: t.setTimeout,
      setInterval: t.setInterval,
      hrtime: process.hrtime,
    };
    const trap = (name: string) => () => {
      deep.push(name);
      throw new Error(`determinism guard: ${name} was called during a simulated run`);
    };
    t.setTimeout = trap("timers.setTimeout");
    t.setInterval = trap("timers.setInterval");
    const hrtime = Object.assign(trap("process.hrtime"), { bigint: trap("process.hrtime.bigint") });
    process.hrtime = hrtime as unknown as typeof process.hrtime;
    let rpcs = 0;
    let leftovers: unknown[] = [];
    let calls: Trapped[] = [];
    try {
      calls = await withTraps(async () => {
        // The workload installs the virtual globals over the traps and removes them at its end.
        const result = await runHttp2Workload(12, { durationMs: 10_000, grpc: true });
        rpcs = result.rpcs;
        leftovers = [result.sim.realIo.openCount, result.sim.net.openConnections()];
        await result.sim.close();
      });
    } finally {
      t.setTimeout = saved.setTimeout;
      t.setInterval = saved.setInterval;
      process.hrtime = saved.hrtime;
    }
    expect([...calls, ...deep]).toEqual([]);
    expect(rpcs).toBeGreaterThan(150);
    expect(leftovers).toEqual([0, 0]);
  });

  it("waiting longer between timers changes nothing: quietTurns 1, 2 and 4 give the same trace", async () => {
    const digests: string[] = [];
    for (const quietTurns of [1, 2, 4]) {
      const result = await runHttp2Workload(21, { durationMs: 5_000, grpc: true, quietTurns });
      expect(result.rpcs).toBeGreaterThan(50);
      digests.push(result.sim.trace.digest());
      await result.sim.close();
    }
    expect(new Set(digests).size).toBe(1);
  });

  it("pings under load measure the configured round trip: 2 x latency plus at most the two jitters", async () => {
    const result = await runHttp2Workload(5, { durationMs: 10_000, grpc: false });
    expect(result.pings.length).toBeGreaterThan(10);
    const outside = result.pings.filter(
      (p) => p.rtt < 2 * p.latencyMs || p.rtt >= 2 * (p.latencyMs + p.jitterMs),
    );
    expect(outside).toEqual([]);
    await result.sim.close();
  });
});
