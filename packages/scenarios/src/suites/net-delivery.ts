import type { Simulation, TraceValue } from "@dsim/sim-server";
import { InvariantViolation, type Suite } from "../runner/suite.js";
import { connectAll } from "./net/connect-all.js";
import { DeliveryLog, type NetMessage } from "./net/delivery-log.js";
import { LinkModel } from "./net/link-model.js";
import { type NetAction, type NetCase, netCaseArbitrary, PORT } from "./net/net-case.js";

/**
 * After the last heal/release, every message must arrive within this much virtual time. Generous on
 * purpose (latency ≤ 40 ms, jitter ≤ 20 ms, loss ≤ 30 % with retransmission): the invariant is
 * "eventually, within a bound", and a tight bound would test the retransmission timer instead.
 */
export const LIVENESS_BOUND_MS = 10_000;

/** Time allowed for graceful closes to reach the peers. */
const CLOSE_BOUND_MS = 10_000;

function throwFirst(log: DeliveryLog): void {
  const first = log.violations[0];
  if (first !== undefined) {
    throw new InvariantViolation(first.invariant, first.message, {
      ...first.details,
      violations: log.violations.length,
    });
  }
}

function describeAction(action: NetAction): { readonly [key: string]: TraceValue } {
  return { ...action };
}

async function runCase(sim: Simulation, testCase: NetCase): Promise<void> {
  const clock = sim.clockFor("workload");
  for (const link of testCase.links) {
    sim.net.setLink(link.a, link.b, {
      latencyMs: link.latencyMs,
      jitterMs: link.jitterMs,
      loss: link.loss,
    });
  }
  const { pairs, listeners } = await connectAll<NetMessage>(sim, testCase.connections, PORT);
  const model = new LinkModel();
  const log = new DeliveryLog(testCase.connections, model, () => sim.now());
  const closes: string[] = [];
  pairs.forEach(({ client, server }, conn) => {
    client.setHandlers({
      onMessage: (message) => {
        sim.trace.record("workload", "recv", { conn, dir: "s2c", seq: message.seq });
        log.receive(conn, "s2c", message);
      },
      onClose: (reason) => closes.push(`client:${conn}:${reason}`),
    });
    server.setHandlers({
      onMessage: (message) => {
        sim.trace.record("workload", "recv", { conn, dir: "c2s", seq: message.seq });
        log.receive(conn, "c2s", message);
      },
      onClose: (reason) => closes.push(`server:${conn}:${reason}`),
    });
  });

  // Safety phase: the plan runs on the workload's own clock view, so its timers are accounted for.
  const start = sim.now();
  let lastAt = 0;
  for (const action of testCase.actions) {
    lastAt = Math.max(lastAt, action.at);
    clock.setTimeout(() => {
      if (action.kind !== "send") {
        model.apply(action);
        sim.trace.record("fault", action.kind, describeAction(action));
        if (action.kind === "partition") {
          sim.net.partition(action.a, action.b, { oneWay: action.oneWay });
        } else if (action.kind === "heal") {
          sim.net.heal(action.a, action.b);
        } else if (action.kind === "hold") {
          sim.net.hold(action.a, action.b);
        } else {
          sim.net.release(action.a, action.b);
        }
        return;
      }
      const pair = pairs[action.conn];
      if (pair === undefined) return;
      const end = action.dir === "c2s" ? pair.client : pair.server;
      for (let i = 0; i < action.count; i += 1) {
        const message = log.nextSend(action.conn, action.dir);
        if (!end.send(message)) {
          log.violate("net.connection-stays-open", `send on connection ${action.conn} refused`, {
            conn: action.conn,
            dir: action.dir,
            seq: message.seq,
            at: sim.now(),
          });
        }
      }
    }, action.at);
  }
  await sim.runFor(lastAt + 1);
  throwFirst(log);

  // Liveness phase: every fault is healed; everything sent must arrive within the bound.
  const healedAt = sim.now();
  try {
    await sim.runUntil(() => log.allDelivered(), { timeoutMs: LIVENESS_BOUND_MS });
  } catch (error) {
    throwFirst(log);
    throw new InvariantViolation(
      "net.liveness-after-heal",
      `messages still missing ${LIVENESS_BOUND_MS}ms after the last heal/release`,
      {
        healedAt: healedAt - start,
        missing: log.missing(),
        cause: error instanceof Error ? error.message : String(error),
      },
    );
  }
  throwFirst(log);

  // Close phase: graceful closes from the clients (a local close raises no local event; the server
  // ends must see "closed"); afterwards nothing may stay open or scheduled.
  for (const { client } of pairs) client.close();
  try {
    await sim.runUntil(() => closes.length >= pairs.length, { timeoutMs: CLOSE_BOUND_MS });
  } catch (error) {
    throw new InvariantViolation("net.close-reaches-peer", "a graceful close did not complete", {
      closes,
      cause: error instanceof Error ? error.message : String(error),
    });
  }
  const unexpected = closes.filter((entry) => !/^server:\d+:closed$/.test(entry));
  if (unexpected.length > 0) {
    throw new InvariantViolation(
      "net.close-reaches-peer",
      "a close event other than the graceful one",
      {
        unexpected,
      },
    );
  }
  for (const listener of listeners) listener.close();
  await sim.runUntilIdle({ limitMs: CLOSE_BOUND_MS });
  const open = sim.net.openConnections();
  const timers = sim.pendingTimers("workload");
  if (open !== 0 || timers !== 0) {
    throw new InvariantViolation("net.no-leak-after-close", "resources left after close", {
      openConnections: open,
      workloadTimers: timers,
      timerOwners: sim.timerOwners(),
    });
  }
  sim.trace.record("workload", "done", { sent: log.totalSent() });
}

/**
 * `net-delivery`: the kernel's virtual network under generated latency, jitter, loss, partitions
 * and holds. Judged from the outside: per connection and direction, messages arrive in order and
 * exactly once; nothing arrives while the plan blocks that direction; after the last heal/release
 * everything arrives within {@link LIVENESS_BOUND_MS}; after close, nothing is open or scheduled.
 */
export const netDelivery: Suite<NetCase> = {
  name: "net-delivery",
  description: "virtual network: ordered exactly-once delivery under partitions, holds and loss",
  defaultRuns: 1_000,
  arbitrary: netCaseArbitrary,
  plan: (testCase) => ({
    hosts: [...testCase.hosts],
    links: testCase.links.map((link) => ({ ...link })),
    connections: testCase.connections.map((connection) => ({ ...connection })),
    actions: testCase.actions.map(describeAction),
  }),
  run: runCase,
};
