import { type KeepAliveSubscription, type LeaseKeepAliveResponse, sleep } from "@dsim/core";
import type { Simulation } from "@dsim/sim-server";
import { ASYNC_WORK_MS, type SubscriberFact } from "../../invariants/lease/index.js";
import type { Consumer } from "./lease-case.js";

/** How long a slow consumer sleeps between reads (ms). */
export const SLOW_READ_MS = 5000;
/** Responses a stalled consumer reads before it stops reading for good. */
export const STALLED_READS = 3;

/** A subscription of the workload with what has been seen of it. */
export interface Tracked {
  readonly fact: SubscriberFact;
  readonly sub: KeepAliveSubscription;
  lastBuffered: number;
}

/** Records one response the consumer got; `wasClosed`: the subscription was closed before it. */
function recordRead(
  sim: Simulation,
  t: Tracked,
  response: LeaseKeepAliveResponse,
  wasClosed: boolean,
): void {
  t.fact.lastReadAt = sim.now();
  t.fact.readTimes.push(sim.now());
  if (response.TTL <= 0) t.fact.zeroTtlReads += 1;
  if (wasClosed) t.fact.readsAfterClose += 1;
}

/**
 * Starts a consumer task for `t` according to its kind. Every read goes through `receive(signal)`
 * (the run's shared signal for subscribers that reuse it), so a lessor that leaves listeners on
 * a caller's signal is seen at the end; a `listen` consumer records each pushed response and waits
 * for the close.
 */
export function consume(
  sim: Simulation,
  t: Tracked,
  consumer: Consumer,
  signal: AbortSignal | undefined,
  running: { n: number },
): void {
  if (consumer === "never") return;
  running.n += 1;
  if (consumer === "listen") {
    t.sub.listen((response) => recordRead(sim, t, response, t.sub.closed));
    sim.spawn(`consumer-${t.fact.index}`, async () => {
      try {
        await t.sub.whenClosed();
      } finally {
        running.n -= 1;
      }
    });
    return;
  }
  sim.spawn(`consumer-${t.fact.index}`, async () => {
    let reads = 0;
    try {
      for (;;) {
        const wasClosed = t.sub.closed;
        const response = await t.sub.receive(signal);
        if (response === undefined) return;
        reads += 1;
        recordRead(sim, t, response, wasClosed);
        // A closed subscription is drained at once so the consumer task ends.
        if (t.sub.closed) continue;
        if (consumer === "slow") await sleep(sim.clock, SLOW_READ_MS);
        else if (consumer === "async") await sleep(sim.clock, ASYNC_WORK_MS);
        else if (consumer === "stalled" && reads >= STALLED_READS) {
          // Never reads again while open; drains once the subscription closes.
          await t.sub.whenClosed();
        }
      }
    } finally {
      running.n -= 1;
    }
  });
}
