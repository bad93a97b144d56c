import { sleep, timeoutSignal } from "@dsim/core";
import { Simulation, type VirtualConnection } from "../../src/index.js";

/**
 * A small but non-trivial world for determinism checks: a server echoing over connections with
 * jitter and loss, clients that sleep random delays, a request timeout, a partition that heals,
 * datagrams, and a periodic timer. Returns the simulation after it has run (not closed).
 */
export async function runWorkload(seed: number): Promise<Simulation> {
  const sim = new Simulation({ seed, traceMessages: true });
  sim.net.setLink("client-1", "server", { latencyMs: 3, jitterMs: 4, loss: 0.1 });
  sim.net.setLink("client-2", "server", { latencyMs: 1, jitterMs: 10, loss: 0.05 });
  sim.net.listen<string>("server:80", (conn) => {
    conn.setHandlers({
      onMessage: (message) => {
        conn.send(`echo:${message}`);
        if (message.endsWith(":close")) conn.close();
      },
      onClose: () => {},
    });
  });
  const stopDatagrams = sim.net.onDatagram("server", (from, message) => {
    sim.trace.record("server", "datagram", { from, message: String(message) });
  });
  const heartbeat = sim.clockFor("heartbeat");
  let beats = 0;
  const beat = (): void => {
    beats++;
    if (beats < 40) heartbeat.setTimeout(beat, 25);
  };
  heartbeat.setTimeout(beat, 25);

  for (const host of ["client-1", "client-2"]) {
    const clock = sim.clockFor(host);
    const random = sim.randomFor(host);
    sim.spawn(host, async () => {
      const conn = await sim.net.connect<string>(host, "server:80");
      const replies: string[] = [];
      let closed = false;
      conn.setHandlers({
        onMessage: (m) => replies.push(m),
        onClose: () => {
          closed = true;
        },
      });
      for (let i = 0; i < 20; i++) {
        await sleep(clock, random.int(1, 30));
        conn.send(`${host}:${i}${i === 19 ? ":close" : ""}`);
        sim.net.sendDatagram(host, "server", `${host}-dgram-${i}`);
        const deadline = timeoutSignal(clock, 5);
        try {
          await sleep(clock, random.int(1, 10), deadline.signal);
        } catch {
          sim.trace.record(host, "deadline");
        } finally {
          deadline.clear();
        }
      }
      await waitFor(clock, () => closed);
      sim.trace.record(host, "done", { replies: replies.length, last: replies.at(-1) ?? null });
      return conn satisfies VirtualConnection<string>;
    });
  }
  await sim.runFor(150);
  sim.net.partition("client-1", "server");
  await sim.runFor(100);
  sim.net.heal("client-1", "server");
  await sim.runUntil(() => sim.pendingTasks().length === 0, { timeoutMs: 60_000 });
  await sim.runUntilIdle();
  stopDatagrams();
  return sim;
}

async function waitFor(
  clock: { setTimeout(fn: () => void, ms: number): unknown },
  done: () => boolean,
) {
  while (!done()) await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
}
