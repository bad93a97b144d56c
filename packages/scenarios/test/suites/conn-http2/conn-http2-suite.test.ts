import { Simulation } from "@dsim/sim-server";
import { describe, expect, it } from "vitest";
import { runSuite } from "../../../src/runner/index.js";
import type { ConnCase } from "../../../src/suites/conn/conn-case.js";
import { connHttp2 } from "../../../src/suites/conn-http2.js";
import { suites } from "../../../src/suites/index.js";

/** GOAWAYs of every mode, a reset and refused streams, all through the real node:http2 servers. */
const faultCase: ConnCase = {
  balancer: "pick_first",
  servers: 2,
  latencyMs: 5,
  processingMs: 100,
  keepaliveMs: 10_000,
  rpcs: Array.from({ length: 12 }, (_, i) => ({
    at: i * 400,
    waitForReady: true,
    deadlineMs: 8_000,
  })),
  faults: [
    { at: 500, kind: "goaway", server: 0, mode: "immediate" },
    { at: 1_500, kind: "refuse-streams", server: 0, count: 2 },
    { at: 2_000, kind: "goaway", server: 0, mode: "graceful" },
    { at: 3_000, kind: "reset-connections", server: 0 },
    { at: 4_000, kind: "goaway", server: 1, mode: "too_many_pings" },
  ],
  statusProbes: ["ok-empty", "internal", "deadline"],
  interleavings: {
    close: "connecting",
    closeAfterMs: 0,
    removedDial: "refuse",
    sharedSignalCalls: 2,
  },
};

async function run(testCase: ConnCase, seed: number): Promise<{ digest: string; kinds: string[] }> {
  await using sim = new Simulation({ seed, keepEvents: true });
  await connHttp2.run(sim, testCase);
  return { digest: sim.trace.digest(), kinds: sim.trace.events.map((e) => e.kind) };
}

describe("conn-http2 suite", () => {
  it("is registered", () => {
    expect(suites).toContain(connHttp2);
  });

  it("passes on the node:http2 stack (fixed seed)", async () => {
    const result = await runSuite(connHttp2, { seed: 42, runs: 10 });
    expect(result.failure, JSON.stringify(result.failure?.plan)).toBeUndefined();
  });

  it("a hand-written case of every GOAWAY mode, refused streams and a reset passes, reaches the real servers and replays to the same digest", async () => {
    const first = await run(faultCase, 7);
    expect(first.kinds.filter((k) => k === "http2.goaway").length).toBeGreaterThanOrEqual(3);
    expect(first.kinds).toContain("http2.refuse-stream");
    expect(first.kinds).toContain("net.reset");
    expect((await run(faultCase, 7)).digest).toBe(first.digest);
  });
});
