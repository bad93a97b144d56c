import http2 from "node:http2";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/simulation.js";
import { serveHttp2 } from "../../src/sockets/index.js";
import { http2Session } from "./helpers.js";

const BODY_BYTES = 1_000_000;

/** Downloads a 1 MB body over a 5 ms link; returns when it arrived, its size and the digest. */
async function download(seed: number): Promise<{ doneAt: number; bytes: number; digest: string }> {
  const sim = new Simulation({ seed, traceMessages: true });
  sim.net.setLink("client", "files", { latencyMs: 5 });
  const server = http2.createServer();
  server.on("stream", (stream) => {
    stream.respond({ ":status": 200 });
    stream.end(Buffer.alloc(BODY_BYTES, 7));
  });
  serveHttp2(sim, "files:80", server);
  const session = http2Session(sim, "files", 80);
  let bytes = 0;
  let doneAt = -1;
  const req = session.request({ ":path": "/big" });
  req.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    sim.trace.record("client", "chunk", { size: chunk.length });
  });
  req.on("end", () => {
    doneAt = sim.now();
  });
  req.end();
  await sim.runUntil(() => doneAt >= 0, { timeoutMs: 60_000 });
  session.close();
  await sim.runUntilIdle({ limitMs: 10_000 });
  const digest = sim.trace.digest();
  expect(sim.net.openConnections()).toBe(0);
  expect(sim.realIo.openCount).toBe(0);
  await sim.close();
  return { doneAt, bytes, digest };
}

describe("HTTP/2 flow control over virtual sockets", () => {
  it("a 1 MB body crosses in whole round trips of window updates, identically on every run", async () => {
    const first = await download(1);
    const again = await download(1);
    expect(first.bytes).toBe(BODY_BYTES);
    // No bandwidth is modelled, so flow control alone paces the body: the receiver returns window
    // (65 535 bytes initially) after consuming about half of it, one round trip (10 ms) per update.
    // So: the connect round trip plus between BODY/64 KiB and BODY/32 KiB (+1) round trips.
    const rtt = 10;
    expect(first.doneAt).toBeGreaterThanOrEqual(rtt + rtt * Math.floor(BODY_BYTES / 65_535));
    expect(first.doneAt).toBeLessThanOrEqual(rtt + rtt * (Math.ceil(BODY_BYTES / 32_767) + 1));
    // Every event sits on the link's 5 ms grid: nothing ran ahead of the bytes.
    expect(first.doneAt % 5).toBe(0);
    expect(again).toEqual(first);
  });
});
