import { defineSuite, fc, InvariantViolation, type Suite } from "@dsim/scenarios";
import { channelSuites } from "./channel-suites.js";
import { type DrainCase, runDrainCase } from "./drain-world.js";

/**
 * The server side of graceful shutdown: a connection the server closes must have been told so
 * with a GOAWAY first (the client then stops opening streams on it and retries elsewhere);
 * closing without one fails the client's in-flight RPCs with UNAVAILABLE.
 */
export const DRAIN_INVARIANT = "grpc.goaway-before-server-close";

export const injectorDrain = defineSuite<DrainCase>({
  name: "grpc-js-injector-drain",
  description: "grpc-js server ConnectionInjector.drain(grace) while a grpc-js channel sends RPCs",
  defaultRuns: 100,
  // Virtual sockets under grpc-js: the run loop turns the real event loop between timers.
  simulation: { maxBusyTurns: 10_000_000 },
  arbitrary: fc.record({
    drainAtMs: fc.integer({ min: 0, max: 5_000 }),
    graceMs: fc.integer({ min: 0, max: 5_000 }),
    rpcEveryMs: fc.constantFrom(100, 500, 1_000),
    handlerMs: fc.integer({ min: 0, max: 2_000 }),
    latencyMs: fc.integer({ min: 1, max: 20 }),
    horizonMs: fc.constant(12_000),
  }),
  plan: (c) => ({ ...c }),
  async run(sim, c) {
    const { connections } = await runDrainCase(sim, c);
    for (const [index, connection] of connections.entries()) {
      if (connection.closedAt === undefined || connection.goawayBeforeClose) continue;
      throw new InvariantViolation(
        DRAIN_INVARIANT,
        `server connection ${index} (accepted at ${connection.acceptedAt} ms${
          connection.afterDrain ? ", after drain()" : ""
        }) was closed at ${connection.closedAt} ms without a GOAWAY`,
        {
          connection: index,
          acceptedAt: connection.acceptedAt,
          afterDrain: connection.afterDrain,
          closedAt: connection.closedAt,
        },
      );
    }
  },
});

// The channel suites (src/channel-suites.ts): faults, close during backoff, unreachable server.
// Their case types differ from the drain suite's: listed as Suite<unknown> (run takes its own case).
const suites: readonly Suite<unknown>[] = [injectorDrain, ...channelSuites];
export default suites;
