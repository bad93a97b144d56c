import { bench, describe } from "vitest";
import {
  bytes,
  closeAndCheckLeaks,
  dialReady,
  startUnary,
  streamListener,
  world,
} from "./helpers.js";

/**
 * Throughput of the fake transport on the virtual network (wall time, not virtual time).
 * Run: `cd packages/sim-server && npx vitest bench --run test/grpc/transport.bench.ts`.
 */
describe("fake gRPC transport", () => {
  bench(
    "1000 sequential unary round trips (one connection)",
    async () => {
      const { sim, server, dialer } = world(1);
      server.addUnaryHandler("/a.A/Echo", (request) => request);
      server.start();
      const transport = await dialReady(sim, dialer);
      for (let i = 0; i < 1000; i++) {
        const { listener } = startUnary(transport, "/a.A/Echo", bytes("x"));
        await sim.runUntil(() => listener.end !== undefined);
      }
      await closeAndCheckLeaks(sim, dialer, server);
    },
    { iterations: 5, warmupIterations: 1 },
  );

  bench(
    "1000 concurrent unary calls (one connection)",
    async () => {
      const { sim, server, dialer } = world(1);
      server.addUnaryHandler("/a.A/Echo", (request) => request);
      server.start();
      const transport = await dialReady(sim, dialer);
      let done = 0;
      for (let i = 0; i < 1000; i++) {
        const stream = transport.openStream({
          method: "/a.A/Echo",
          metadata: {},
          listener: {
            onHeaders: () => undefined,
            onMessage: () => undefined,
            onEnd: () => {
              done += 1;
            },
          },
        });
        stream.sendMessage(bytes("x"));
        stream.halfClose();
      }
      await sim.runUntil(() => done === 1000);
      await closeAndCheckLeaks(sim, dialer, server);
    },
    { iterations: 5, warmupIterations: 1 },
  );

  bench(
    "1000 bidi messages echoed on one stream",
    async () => {
      const { sim, server, dialer } = world(1);
      server.addBidiHandler("/a.A/Stream", async (call) => {
        for await (const message of call.messages) call.write(message);
      });
      server.start();
      const transport = await dialReady(sim, dialer);
      const listener = streamListener();
      const stream = transport.openStream({ method: "/a.A/Stream", metadata: {}, listener });
      for (let i = 0; i < 1000; i++) stream.sendMessage(bytes("x"));
      stream.halfClose();
      await sim.runUntil(() => listener.end !== undefined);
      await closeAndCheckLeaks(sim, dialer, server);
    },
    { iterations: 5, warmupIterations: 1 },
  );
});
