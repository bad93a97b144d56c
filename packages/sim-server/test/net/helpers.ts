import type { CloseReason, Simulation, VirtualConnection } from "../../src/index.js";

/** One end with its received messages and close reason recorded. */
export interface Recorded<M> {
  readonly conn: VirtualConnection<M>;
  readonly received: M[];
  readonly receivedAt: number[];
  closed: CloseReason | undefined;
}

/** Installs recording handlers on `conn`. */
export function record<M>(sim: Simulation, conn: VirtualConnection<M>): Recorded<M> {
  const rec: Recorded<M> = { conn, received: [], receivedAt: [], closed: undefined };
  conn.setHandlers({
    onMessage: (message) => {
      rec.received.push(message);
      rec.receivedAt.push(sim.now());
    },
    onClose: (reason) => {
      rec.closed = reason;
    },
  });
  return rec;
}

/** Listens on `address` and connects `client` to it; returns both recorded ends once connected. */
export async function connectPair<M>(
  sim: Simulation,
  client: string,
  address: string,
): Promise<{ client: Recorded<M>; server: Recorded<M> }> {
  let server: Recorded<M> | undefined;
  sim.net.listen<M>(address, (conn) => {
    server = record(sim, conn);
  });
  let clientEnd: Recorded<M> | undefined;
  sim.spawn("connect", async () => {
    clientEnd = record(sim, await sim.net.connect<M>(client, address));
  });
  await sim.runUntil(() => clientEnd !== undefined, { timeoutMs: 10_000 });
  if (clientEnd === undefined || server === undefined)
    throw new Error("connectPair: not connected");
  return { client: clientEnd, server };
}
