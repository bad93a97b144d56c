import { type ClientTransport, type StreamEnd, sleep } from "@dsim/core";
import { fc } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { GrpcDialer } from "../../src/grpc/dialer.js";
import { GrpcServer } from "../../src/grpc/server.js";
import { Simulation } from "../../src/kernel/simulation.js";
import { bytes, closeAndCheckLeaks, track } from "./helpers.js";

/** One thing that happens during a run; fast-check shrinks the list to the few that matter. */
const actionArbitrary = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("dial" as const) }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("call" as const),
      durationMs: fc.integer({ min: 0, max: 200 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("ping" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("client-close" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("goaway" as const),
      mode: fc.constantFrom("graceful" as const, "immediate" as const, "too_many_pings" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("inject-goaway" as const),
      extraIds: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("server-close-conns" as const), reset: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("restart" as const),
      downMs: fc.integer({ min: 0, max: 100 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("mode" as const),
      mode: fc.constantFrom(
        "normal" as const,
        "normal" as const,
        "refuse" as const,
        "accept-then-close" as const,
        "blackhole" as const,
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("drop" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("refuse-stream" as const) }) },
);

const caseArbitrary = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  steps: fc.array(
    fc.record({
      // Half of the steps happen at the same instant as the previous one: frames still in flight.
      gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
      action: actionArbitrary,
    }),
    {
      minLength: 1,
      maxLength: 40,
      size: "max",
    },
  ),
});

describe("the transport under random faults (property)", () => {
  it("every stream ends once, nothing follows onClose, refused streams never ran, nothing leaks", async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async ({ seed, steps }) => {
        const sim = new Simulation({ seed });
        const server = new GrpcServer(sim, { address: "server:50051", gracePeriodMs: 500 });
        const ran = new Set<string>();
        server.addUnaryHandler("/a.A/Work", async (request, ctx) => {
          ran.add(`${ctx.connectionId}/${ctx.streamId}`);
          await sleep(ctx.clock, Number(new TextDecoder().decode(request)), ctx.signal);
          return request;
        });
        server.start();
        const dialer = new GrpcDialer(sim, { host: "client" });
        const transports: { transport: ClientTransport; conn: number; log: string[] }[] = [];
        const streams: { key: string; ends: StreamEnd[]; after: string[]; cancel: () => void }[] =
          [];
        const dials: ReturnType<typeof track>[] = [];

        // The newest usable transport, as a connection manager would pick.
        const current = () => [...transports].reverse().find((t) => !t.transport.draining);
        for (const { gapMs, action } of steps) {
          await sim.runFor(gapMs);
          switch (action.kind) {
            case "dial": {
              const controller = new AbortController();
              const log: string[] = [];
              const dial = dialer.dial("server:50051", {
                signal: controller.signal,
                listener: {
                  onGoaway: (last) => log.push(`goaway ${last}`),
                  onClose: () => log.push("close"),
                },
              });
              dials.push(track(dial));
              dial.then(
                (transport) => transports.push({ transport, conn: transport.connectionId, log }),
                () => undefined,
              );
              // A dial nobody answers must end: the connect deadline.
              sim.clock.setTimeout(() => controller.abort(new Error("deadline")), 1000);
              break;
            }
            case "call": {
              const entry = current();
              if (entry === undefined || entry.transport.draining) break;
              const ends: StreamEnd[] = [];
              const after: string[] = [];
              const stream = entry.transport.openStream({
                method: "/a.A/Work",
                metadata: {},
                listener: {
                  onHeaders: () => ends.length > 0 && after.push("headers"),
                  onMessage: () => ends.length > 0 && after.push("message"),
                  onEnd: (end) => ends.push(end),
                },
              });
              stream.sendMessage(bytes(String(action.durationMs)));
              stream.halfClose();
              streams.push({
                key: `${entry.conn}/${stream.id}`,
                ends,
                after,
                cancel: () => stream.cancel(),
              });
              break;
            }
            case "cancel":
              if (streams.length > 0) streams[action.index % streams.length]?.cancel();
              break;
            case "ping": {
              const entry = current();
              if (entry !== undefined) track(entry.transport.ping(AbortSignal.abort()));
              if (entry !== undefined && !entry.transport.draining) {
                const controller = new AbortController();
                track(entry.transport.ping(controller.signal));
                sim.clock.setTimeout(() => controller.abort(new Error("ping timeout")), 1000);
              }
              break;
            }
            case "client-close":
              current()?.transport.close();
              break;
            case "goaway":
              server.goaway({ mode: action.mode });
              break;
            case "inject-goaway": {
              // A raw GOAWAY that may increase the last id (a protocol error the client must catch)
              // but never hides a stream the server processed: that would be a lie no client can
              // survive, and it would void the "refused never ran" check.
              const entry = current();
              if (entry === undefined) break;
              const seen = server.stats.streams.filter((r) => r.connectionId === entry.conn);
              const maxSeen = Math.max(0, ...seen.map((r) => r.streamId));
              server.injectGoaway({
                lastStreamId: maxSeen + 2 * action.extraIds,
                connectionId: entry.conn,
              });
              break;
            }
            case "server-close-conns":
              server.closeConnections({ reset: action.reset });
              break;
            case "restart":
              track(server.restart({ downMs: action.downMs }));
              break;
            case "mode":
              server.setConnectionMode(action.mode);
              break;
            case "drop":
              server.dropResponses({ method: "/a.A/Work", count: 1 });
              break;
            case "refuse-stream":
              server.refuseStreams({ method: "/a.A/Work", count: 1 });
              break;
          }
        }
        // Heal and let everything finish: the world must converge.
        server.clearFaults();
        await sim.runFor(2000);
        for (const { transport } of transports) transport.close();
        await sim.runFor(100);

        expect(dials.every((d) => d.settled)).toBe(true);
        for (const s of streams) {
          expect(s.ends, `stream ${s.key}`).toHaveLength(1);
          expect(s.after, `stream ${s.key}`).toEqual([]);
          if (s.ends[0]?.kind === "refused")
            expect(ran.has(s.key), `refused ${s.key} ran`).toBe(false);
        }
        for (const { log, conn } of transports) {
          expect(
            log.filter((e) => e === "close"),
            `conn ${conn}`,
          ).toHaveLength(1);
          expect(log.at(-1), `conn ${conn}: ${log.join(", ")}`).toBe("close");
        }
        expect(await closeAndCheckLeaks(sim, dialer, server)).toEqual({
          timers: 0,
          owners: [],
          connections: 0,
        });
      }),
      { seed: 42, numRuns: 80 },
    );
  });
});
