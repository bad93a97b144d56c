import net from "node:net";
import { Simulation } from "@dsim/sim-server";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runSuite } from "../../../src/runner/index.js";
import { suites } from "../../../src/suites/index.js";
import { leaseGrpcJs } from "../../../src/suites/lease-grpc-js.js";

describe("lease-grpc-js suite", () => {
  it("is registered and every case runs on the wire", () => {
    expect(suites).toContain(leaseGrpcJs);
    const cases = fc.sample(leaseGrpcJs.arbitrary, { seed: 3, numRuns: 20 });
    expect(cases.every((c) => c.transport === "grpc")).toBe(true);
  });

  it("passes with the lessor on a grpc-js channel (fixed seed)", async () => {
    const result = await runSuite(leaseGrpcJs, { seed: 42, runs: 10 });
    expect(result.failure, JSON.stringify(result.failure?.plan)).toBeUndefined();
  });

  it("a case replays to the same digest over virtual sockets and restores the globals", async () => {
    const [testCase] = fc.sample(leaseGrpcJs.arbitrary, { seed: 11, numRuns: 1 });
    if (testCase === undefined) throw new Error("no case");
    const realSetTimeout = globalThis.setTimeout;
    const realRandom = Math.random;
    const realConnect = net.connect;
    const run = async (): Promise<{ digest: string; connects: number }> => {
      await using sim = new Simulation({ seed: 5 });
      await leaseGrpcJs.run(sim, testCase);
      const connects = sim.trace.events.filter((e) => e.kind === "net.connected").length;
      return { digest: sim.trace.digest(), connects };
    };
    const first = await run();
    expect(first.connects).toBeGreaterThan(0);
    expect((await run()).digest).toBe(first.digest);
    expect(globalThis.setTimeout).toBe(realSetTimeout);
    expect(Math.random).toBe(realRandom);
    expect(net.connect).toBe(realConnect);
  });
});
