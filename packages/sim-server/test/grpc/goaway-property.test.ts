import { sleep } from "@dsim/core";
import { fc } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { GrpcDialer } from "../../src/grpc/dialer.js";
import { GrpcServer } from "../../src/grpc/server.js";
import { Simulation } from "../../src/kernel/simulation.js";
import {
  bytes,
  closeAndCheckLeaks,
  dialReady,
  type RecordingStreamListener,
  startUnary,
  transportListener,
} from "./helpers.js";

const caseArbitrary = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  latencyMs: fc.integer({ min: 1, max: 40 }),
  mode: fc.constantFrom("graceful" as const, "immediate" as const),
  gracefulGoawayDelayMs: fc.integer({ min: 1, max: 100 }),
  goawayAt: fc.integer({ min: 0, max: 300 }),
  calls: fc.array(
    fc.record({
      openAt: fc.integer({ min: 0, max: 300 }),
      durationMs: fc.integer({ min: 0, max: 300 }),
    }),
    { maxLength: 10 },
  ),
});

describe("GOAWAY under random workloads (property)", () => {
  it("never refuses a processed stream; graceful with delay >= RTT completes every stream", async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async (c) => {
        const sim = new Simulation({ seed: c.seed });
        sim.net.setLink("client", "server", { latencyMs: c.latencyMs });
        const server = new GrpcServer(sim, {
          address: "server:50051",
          gracefulGoawayDelayMs: c.gracefulGoawayDelayMs,
        });
        const processed = new Set<number>();
        server.addUnaryHandler("/a.A/Work", async (request, ctx) => {
          processed.add(ctx.streamId);
          await sleep(ctx.clock, Number(new TextDecoder().decode(request)), ctx.signal);
          return request;
        });
        server.start();
        const dialer = new GrpcDialer(sim, { host: "client" });
        const events = transportListener();
        const transport = await dialReady(sim, dialer, events);
        const start = sim.now();
        const opened: { id: number; listener: RecordingStreamListener }[] = [];
        let rejectedOpens = 0;
        const timeline = [
          ...c.calls.map((call) => ({ at: call.openAt, call })),
          { at: c.goawayAt, call: undefined },
        ].sort((a, b) => a.at - b.at);
        for (const step of timeline) {
          await sim.runFor(start + step.at - sim.now());
          if (step.call === undefined) {
            server.goaway({ mode: c.mode });
            continue;
          }
          if (transport.draining) {
            rejectedOpens += 1;
            expect(() => startUnary(transport, "/a.A/Work", bytes("0"))).toThrow();
            continue;
          }
          const { stream, listener } = startUnary(
            transport,
            "/a.A/Work",
            bytes(String(step.call.durationMs)),
          );
          opened.push({ id: stream.id, listener });
        }
        await sim.runUntil(() => events.closes.length === 1, { timeoutMs: 120_000 });

        expect(rejectedOpens + opened.length).toBe(c.calls.length);
        for (const { id, listener } of opened) {
          expect(listener.ends).toHaveLength(1);
          const end = listener.ends[0];
          // The safety property: "refused" means "safe to retry", so it must never be processed.
          if (end?.kind === "refused") expect(processed.has(id)).toBe(false);
          if (end?.kind === "status") expect(processed.has(id)).toBe(true);
        }
        const ids = events.goaways.map((g) => g.lastStreamId);
        expect(ids).toEqual([...ids].sort((a, b) => b - a));
        if (c.mode === "graceful" && c.gracefulGoawayDelayMs >= 2 * c.latencyMs) {
          for (const { listener } of opened)
            expect(listener.end).toMatchObject({ kind: "status", code: 0 });
          expect(events.closes).toEqual([undefined]);
        }
        expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
          timers: 0,
          owners: [],
          connections: 0,
        });
      }),
      { seed: 42, numRuns: 60 },
    );
  });
});
