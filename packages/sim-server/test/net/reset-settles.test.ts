import { describe, expect, it } from "vitest";
import { ConnectError, Simulation, type VirtualConnection } from "../../src/index.js";

/** Connects c → s:1 where the server resets its end `resetAfterMs` after accepting (0: at once). */
async function resetByServer(resetAfterMs: number): Promise<{
  sim: Simulation;
  outcome: string;
  settledAt: number;
  clientClosed: string | undefined;
}> {
  const sim = new Simulation({ seed: 1 });
  sim.net.setLink("c", "s", { latencyMs: 5 });
  sim.net.listen("s:1", (conn) => {
    if (resetAfterMs === 0) conn.reset();
    else sim.clock.setTimeout(() => conn.reset(), resetAfterMs);
  });
  let outcome = "pending";
  let settledAt = -1;
  let clientClosed: string | undefined;
  sim.net.connect("c", "s:1").then(
    (conn: VirtualConnection) => {
      outcome = "connected";
      settledAt = sim.now();
      conn.setHandlers({
        onMessage: () => {},
        onClose: (reason) => {
          clientClosed = reason;
        },
      });
    },
    (error: unknown) => {
      outcome = error instanceof ConnectError ? error.code : String(error);
      settledAt = sim.now();
    },
  );
  await sim.runUntilIdle({ limitMs: 10_000 });
  return { sim, outcome, settledAt, clientClosed };
}

describe("a reset settles the other end at any moment", () => {
  it("a server that resets as it accepts makes the client's connect reject with ECONNRESET", async () => {
    const { sim, outcome, settledAt } = await resetByServer(0);
    expect(outcome).toBe("ECONNRESET");
    // The RST replaces the SYN-ACK on the way back: one round trip.
    expect(settledAt).toBe(10);
    expect(sim.net.openConnections()).toBe(0);
    expect(sim.net.openConnectionInfo()).toEqual([]);
    expect(sim.timerOwners()).toEqual([]);
  });

  it("a reset while the SYN-ACK is in flight also rejects the connect; after it, the open end sees reset", async () => {
    // Accepted at 5, SYN-ACK arrives at 10: a reset at 5 + d discards it while d < 5.
    const seen: string[] = [];
    for (const d of [1, 2, 4, 5, 6, 9]) {
      const { sim, outcome, clientClosed } = await resetByServer(d);
      seen.push(`${d}:${outcome}:${clientClosed ?? "-"}`);
      expect(sim.net.openConnections()).toBe(0);
    }
    expect(seen).toEqual([
      "1:ECONNRESET:-",
      "2:ECONNRESET:-",
      "4:ECONNRESET:-",
      "5:connected:reset",
      "6:connected:reset",
      "9:connected:reset",
    ]);
  });

  it("a socket-level reset during accept reaches a connecting virtual socket as ECONNRESET", async () => {
    const sim = new Simulation({ seed: 3 });
    sim.net.listen("s:1", (conn) => conn.reset());
    const { connectVirtualSocket } = await import("../../src/index.js");
    const socket = connectVirtualSocket(sim, { host: "s", port: 1, fromHost: "c" });
    let error: (Error & { code?: string; syscall?: string }) | undefined;
    socket.on("error", (e: Error) => {
      error = e;
    });
    await sim.runUntilIdle({ limitMs: 1_000 });
    expect(error?.code).toBe("ECONNRESET");
    expect(error?.syscall).toBe("connect");
    expect(socket.destroyed).toBe(true);
    expect(sim.net.openConnections()).toBe(0);
    expect(sim.realIo.openCount).toBe(0);
  });
});
