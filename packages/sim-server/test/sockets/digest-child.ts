/**
 * Runs the http2 workload once and prints `{ digest, rpcs, failures, pings, events }` as JSON:
 * the cross-process determinism test spawns this twice with the same seed.
 * Usage: node --import tsx digest-child.ts <seed> <durationMs> <grpc: 0|1>
 */
import { runHttp2Workload } from "./http2-workload.js";

const [seedText, durationText, grpcText] = process.argv.slice(2);
const started = performance.now();
const result = await runHttp2Workload(Number(seedText), {
  durationMs: Number(durationText),
  grpc: grpcText === "1",
});
const wallMs = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    digest: result.sim.trace.digest(),
    rpcs: result.rpcs,
    failures: result.failures,
    pings: result.pings.length,
    events: result.sim.trace.size,
    virtualMs: result.sim.now(),
    wallMs: Math.round(wallMs),
  })}\n`,
);
await result.sim.close();
