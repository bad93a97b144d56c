import type { Simulation, VirtualConnection, VirtualListener } from "@dsim/sim-server";
import { InvariantViolation } from "../../runner/suite.js";
import type { NetConnection } from "./net-case.js";

/** Both ends of one workload connection. */
export interface ConnectionPair<M> {
  readonly client: VirtualConnection<M>;
  readonly server: VirtualConnection<M>;
}

/** Time allowed to establish one connection on a fault-free (possibly lossy) network. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens every connection in order, before any fault, and pairs each client end with the server end
 * the listener accepted for it. Connecting one at a time is what makes the pairing unambiguous.
 */
export async function connectAll<M>(
  sim: Simulation,
  connections: readonly NetConnection[],
  port: number,
): Promise<{ readonly pairs: ConnectionPair<M>[]; readonly listeners: VirtualListener<M>[] }> {
  const accepted = new Map<string, VirtualConnection<M>[]>();
  const listeners: VirtualListener<M>[] = [];
  for (const server of new Set(connections.map((connection) => connection.server))) {
    const address = `${server}:${port}`;
    const queue: VirtualConnection<M>[] = [];
    accepted.set(address, queue);
    listeners.push(sim.net.listen<M>(address, (conn) => queue.push(conn)));
  }
  const pairs: ConnectionPair<M>[] = [];
  for (const [index, connection] of connections.entries()) {
    const address = `${connection.server}:${port}`;
    let client: VirtualConnection<M> | undefined;
    let failure: unknown;
    void sim.net.connect<M>(connection.client, address).then(
      (conn) => {
        client = conn;
      },
      (error: unknown) => {
        failure = error;
      },
    );
    await sim.runUntil(() => client !== undefined || failure !== undefined, {
      timeoutMs: CONNECT_TIMEOUT_MS,
    });
    const server = accepted.get(address)?.shift();
    if (client === undefined || server === undefined) {
      throw new InvariantViolation("net.connect", `connection ${index} to ${address} failed`, {
        index,
        address,
        error: failure instanceof Error ? failure.message : String(failure),
      });
    }
    pairs.push({ client, server });
  }
  return { pairs, listeners };
}
