import { Simulation } from "@dsim/sim-server";
import { runChannelCase } from "./src/channel-world.js";
const faults = JSON.parse(process.argv[2] ?? "[]");
const t0 = Date.now();
await using sim = new Simulation({ seed: 7, maxBusyTurns: 10_000_000 });
const o = await runChannelCase(sim, {
  latencyMs: 5, jitterMs: 0, loss: 0, handlerMs: Number(process.argv[3] ?? 50),
  rpcs: [0, 1000, 3000, 5000, 8000, 12000, 20000].map((atMs, i) => ({ atMs, waitForReady: i % 2 === 0, deadlineMs: 4000 })),
  faults,
});
console.log(JSON.stringify({ attempts: o.attempts, outcomes: o.outcomes, processed: [...o.processed], left: o.leftAfterClose, closedAt: o.closedAt,
  conns: o.connections.map((c) => ({ id: c.id, goaway: c.goaway, streams: [...c.streamOpenedAt], rpcs: [...c.rpcOfStream], rst: [...c.resetCode] })) }, null, 0));
console.log("wall", Date.now() - t0, "digest", sim.trace.digest());
