import type { Simulation } from "@dsim/sim-server";
import fc from "fast-check";
import { InvariantViolation, type Suite } from "../runner/suite.js";
import { connectAll } from "./net/connect-all.js";

/** How long the naive client waits for a reply before it sends the request again. */
const ATTEMPT_TIMEOUT_MS = 100;
/** How many times the naive client sends one request. */
const MAX_ATTEMPTS = 3;

/** One case: when requests start and when the client–server link is partitioned. */
export interface DemoCase {
  readonly requests: readonly { readonly at: number }[];
  /** Non-overlapping partitions of the client–server link. */
  readonly partitions: readonly { readonly at: number; readonly durationMs: number }[];
}

interface Request {
  readonly req: number;
  readonly attempt: number;
}

const demoArbitrary: fc.Arbitrary<DemoCase> = fc
  .record({
    requests: fc.array(fc.record({ at: fc.nat({ max: 2000 }) }), { minLength: 1, maxLength: 6 }),
    partitions: fc.array(
      fc.record({ at: fc.nat({ max: 2000 }), durationMs: fc.integer({ min: 1, max: 1000 }) }),
      { maxLength: 3 },
    ),
  })
  .map(({ requests, partitions }) => {
    // Overlapping partitions of one link would need a rule for which heal wins; drop them instead.
    const kept: { at: number; durationMs: number }[] = [];
    for (const partition of [...partitions].sort((a, b) => a.at - b.at)) {
      const last = kept.at(-1);
      if (last === undefined || last.at + last.durationMs < partition.at) kept.push(partition);
    }
    return { requests, partitions: kept };
  });

async function runDemo(sim: Simulation, testCase: DemoCase): Promise<void> {
  const clock = sim.clockFor("workload");
  sim.net.setLink("client", "server", { latencyMs: 5, jitterMs: 0, loss: 0 });
  const { pairs, listeners } = await connectAll<Request>(
    sim,
    [{ client: "client", server: "server" }],
    80,
  );
  const pair = pairs[0];
  if (pair === undefined) throw new Error("demo-failure: no connection");
  pair.server.setHandlers({
    onMessage: (request) => {
      pair.server.send(request);
    },
    onClose: () => {},
  });
  const answered = new Set<number>();
  const givenUp: { req: number; at: number }[] = [];
  const waiting = new Map<number, ReturnType<typeof clock.setTimeout>>();
  pair.client.setHandlers({
    onMessage: (reply) => {
      sim.trace.record("client", "reply", { req: reply.req, attempt: reply.attempt });
      answered.add(reply.req);
      const timer = waiting.get(reply.req);
      if (timer !== undefined) clock.clearTimeout(timer);
      waiting.delete(reply.req);
    },
    onClose: () => {},
  });

  // The naive client: a fixed per-attempt timeout and a fixed number of attempts, no backoff and no
  // deadline awareness. It cannot outlast a partition longer than its whole retry budget.
  const attempt = (req: number, n: number): void => {
    if (answered.has(req)) return;
    sim.trace.record("client", "attempt", { req, attempt: n });
    pair.client.send({ req, attempt: n });
    waiting.set(
      req,
      clock.setTimeout(() => {
        waiting.delete(req);
        if (answered.has(req)) return;
        if (n < MAX_ATTEMPTS) attempt(req, n + 1);
        else {
          sim.trace.record("client", "gave-up", { req });
          givenUp.push({ req, at: sim.now() });
        }
      }, ATTEMPT_TIMEOUT_MS),
    );
  };
  testCase.requests.forEach(({ at }, req) => {
    clock.setTimeout(() => attempt(req, 1), at);
  });
  for (const { at, durationMs } of testCase.partitions) {
    clock.setTimeout(() => {
      sim.trace.record("fault", "partition", { a: "client", b: "server", durationMs });
      sim.net.partition("client", "server");
    }, at);
    clock.setTimeout(() => {
      sim.trace.record("fault", "heal", { a: "client", b: "server" });
      sim.net.heal("client", "server");
    }, at + durationMs);
  }
  await sim.runUntilIdle({ limitMs: 10_000 });
  pair.client.close();
  for (const listener of listeners) listener.close();
  await sim.runUntilIdle({ limitMs: 10_000 });

  const first = givenUp[0];
  if (first !== undefined) {
    throw new InvariantViolation(
      "demo.retries-outlast-partitions",
      `request ${first.req} gave up after ${MAX_ATTEMPTS} attempts of ${ATTEMPT_TIMEOUT_MS}ms`,
      { req: first.req, gaveUpAt: first.at, givenUp: givenUp.length },
    );
  }
}

/**
 * `demo-failure` (demo): a deliberately naive retrying client. It fails whenever the generated
 * plan partitions the link for longer than its retry budget (3 × 100 ms), so `dsim run` → failure →
 * shrink → `dsim replay` can be shown end to end. Run only with `DSIM_DEMO=1`.
 */
export const demoFailure: Suite<DemoCase> = {
  name: "demo-failure",
  description: "demo: a naive fixed-retry client that breaks under a long partition",
  defaultRuns: 100,
  demo: true,
  arbitrary: demoArbitrary,
  plan: (testCase) => ({
    requests: testCase.requests.map(({ at }) => ({ at, kind: "request" })),
    faults: testCase.partitions.map(({ at, durationMs }) => ({
      at,
      kind: "partition",
      a: "client",
      b: "server",
      durationMs,
    })),
  }),
  run: runDemo,
};
