import { Simulation } from "@dsim/sim-server";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runSuite } from "../../../src/runner/index.js";
import { suites } from "../../../src/suites/index.js";
import { leaseHttp2 } from "../../../src/suites/lease-http2.js";

describe("lease-http2 suite", () => {
  it("is registered and every case runs on the wire", () => {
    expect(suites).toContain(leaseHttp2);
    const cases = fc.sample(leaseHttp2.arbitrary, { seed: 3, numRuns: 20 });
    expect(cases.every((c) => c.transport === "grpc")).toBe(true);
  });

  it("passes on grpc-js servers and the node:http2 client (fixed seed)", async () => {
    const result = await runSuite(leaseHttp2, { seed: 42, runs: 10 });
    expect(result.failure, JSON.stringify(result.failure?.plan)).toBeUndefined();
  });

  it("a case replays to the same digest, and its bytes crossed virtual sockets", async () => {
    const [testCase] = fc.sample(leaseHttp2.arbitrary, { seed: 11, numRuns: 1 });
    if (testCase === undefined) throw new Error("no case");
    const run = async (): Promise<{ digest: string; connects: number }> => {
      await using sim = new Simulation({ seed: 5 });
      await leaseHttp2.run(sim, testCase);
      const connects = sim.trace.events.filter((e) => e.kind === "net.connected").length;
      return { digest: sim.trace.digest(), connects };
    };
    const first = await run();
    expect(first.connects).toBeGreaterThan(0);
    expect((await run()).digest).toBe(first.digest);
  });
});
