import { describe, expect, it } from "vitest";
import {
  connectVirtualSocket,
  listenVirtualSockets,
  Simulation,
  type VirtualSocket,
} from "../../src/index.js";

describe("VirtualSocket.observe", () => {
  it("reports writes when they leave and each read around its data listeners and their queues", async () => {
    await using sim = new Simulation({ seed: 1 });
    sim.net.setLink("c", "s", { latencyMs: 5 });
    let accepted: VirtualSocket | undefined;
    listenVirtualSockets(sim, "s:7", (socket) => {
      accepted = socket;
    });
    const client = connectVirtualSocket(sim, { host: "s", port: 7, fromHost: "c" });
    const log: string[] = [];
    const stop = client.observe({
      sent: (chunk) => log.push(`sent ${chunk.toString()}`),
      reading: (chunk) => log.push(`reading ${chunk.toString()}`),
      read: (chunk) => log.push(`read ${chunk.toString()}`),
    });
    client.on("data", (chunk: Buffer) => {
      log.push(`listener ${chunk.toString()}`);
      // As after a native read, the listener's nextTick runs before the read is over.
      process.nextTick(() => log.push(`tick of ${chunk.toString()}`));
      client.write(`re:${chunk.toString()}`);
    });
    // Written while connecting: reported when it leaves, after the SYN-ACK.
    client.write("hello");
    expect(log).toEqual([]);
    await sim.runFor(10);
    expect(log).toEqual(["sent hello"]);
    accepted?.write("a");
    await sim.runFor(5);
    expect(log).toEqual([
      "sent hello",
      "reading a",
      "listener a",
      "sent re:a",
      "tick of a",
      "read a",
    ]);
    stop();
    accepted?.write("b");
    await sim.runFor(5);
    expect(log.slice(6)).toEqual(["listener b", "tick of b"]);
  });
});
