import { sleep } from "@dsim/core";
import { checkIdleTimeout } from "../../invariants/conn/index.js";
import {
  type ConnDurations,
  handshakeMs,
  MAX_TIMER_MS,
  reconnectBoundMs,
  specBackoffMs,
} from "./conn-durations.js";
import { type PhaseContext, settled } from "./targeted-phases.js";

/** Most failed attempts in a row the backoff phase waits for (per address). */
const MAX_BACKOFF_STEPS = 6;

/**
 * How long a channel with idleness disabled (0) is watched for closing its connection anyway: past
 * the 30 min default, so that "0 means the default" shows too.
 */
const IDLE_DISABLED_WATCH_MS = 31 * 60_000;

/** Virtual timers run on whole milliseconds. */
const SLACK_MS = 2;

/**
 * Failed attempts in a row that take b_k from b_0 past the cap, plus two at the cap (at most
 * {@link MAX_BACKOFF_STEPS}): the whole growth curve of the configured policy.
 */
export function backoffSteps(d: ConnDurations): number {
  if (d.multiplier <= 1 || d.maxBackoffMs <= d.initialBackoffMs) return 3;
  const toCap = Math.ceil(Math.log(d.maxBackoffMs / d.initialBackoffMs) / Math.log(d.multiplier));
  return Math.min(MAX_BACKOFF_STEPS, toCap + 2);
}

/** Runs the world to virtual time `t` (stopping early, and failing, on a timer loop). */
async function runTo(ctx: PhaseContext, t: number): Promise<void> {
  if (t <= ctx.sim.now()) return;
  await ctx.until(() => false, t - ctx.sim.now());
  if (ctx.sim.now() < t) await ctx.sim.runFor(t - ctx.sim.now());
}

/**
 * Backoff phase: the channel keeps one address, whose server fails every attempt (refused, or closed before SETTINGS) while a
 * wait-for-ready RPC waits, for as many attempts as it takes the configured backoff to grow past
 * its cap — through days of virtual time near the 2^31-1 ms timer limit. The dials the servers saw
 * are judged by `conn.backoff-spacing` (spaced by b_k·(1 ± jitter), b_k = min(initial·multiplier^k,
 * max)) and `conn.connect-deadline`. Then the server heals: the next attempt comes within
 * (1 + jitter)·maxMs and the RPC gets through (`conn.backoff-reconnect-after-heal`).
 */
export async function backoffPhase(ctx: PhaseContext, d: ConnDurations): Promise<void> {
  const { sim, spy, servers, addresses, testCase } = ctx;
  // Start from a settled channel, so this outage's attempts count from b_0.
  await ctx.until(
    () => spy.inFlight().length === 0 && settled(ctx.transitions, addresses),
    reconnectBoundMs(d, 0) + 1_000,
  );
  if (!settled(ctx.transitions, addresses)) return;
  const steps = backoffSteps(d);
  const handshake = handshakeMs(testCase.latencyMs);
  let windowMs = 1_000;
  for (let k = 0; k < steps; k++) windowMs += (1 + d.jitter) * specBackoffMs(d, k) + handshake;
  const afterHealMs =
    Math.ceil((1 + d.jitter) * d.maxBackoffMs) + 2 * handshake + testCase.processingMs + 1_000;
  // One address, so that the attempts are one loop (the others' loops would only repeat it).
  const [server] = servers;
  const [address] = addresses;
  if (server === undefined || address === undefined) return;
  ctx.driver.setAddresses([address]);
  const firstDial = spy.dials.length;
  server.setConnectionMode(d.outage);
  server.closeConnections({ reset: false });
  const endAt = sim.now() + windowMs + afterHealMs;
  const workload = sim.clockFor("workload");
  let ok = false;
  sim.spawn("backoff-waiter", async () => {
    // RPC deadlines are timers too: a chain of RPCs, each within the timer limit, spans the phase.
    for (let i = 0; !ok; i++) {
      const left = endAt - sim.now();
      if (left <= 0) return;
      const next = ctx.call(`backoff-${i}`, true, Math.min(left, MAX_TIMER_MS - 1));
      await next.done;
      if (next.outcome.ok === true) ok = true;
      else if (next.outcome.settledAt === next.outcome.at) await sleep(workload, 100);
    }
  });
  await ctx.until(() => spy.dials.length - firstDial >= steps, windowMs);
  server.setConnectionMode("normal");
  const healedAt = sim.now();
  await ctx.until(() => ok, afterHealMs);
  ctx.safety();
  if (!ok) {
    ctx.fail([
      {
        invariant: "conn.backoff-reconnect-after-heal",
        message: `no RPC got through within ${afterHealMs} ms after the server accepted connections again; the backoff (cap ${d.maxBackoffMs} ms, jitter ${d.jitter}) allows at most ${Math.ceil((1 + d.jitter) * d.maxBackoffMs)} ms between attempts`,
        details: {
          healedAt,
          afterHealMs,
          attempts: spy.dials.length - firstDial,
          maxBackoffMs: d.maxBackoffMs,
        },
      },
    ]);
  }
  ctx.driver.setAddresses(addresses);
}

/**
 * Idle phase: one RPC, then silence. Halfway through the idle timeout a second RPC must find the
 * connection still up (never closed early); after the timeout every connection is closed
 * (`conn.idle-timeout`). With idleness disabled (0) the connection stays up for 31 min.
 */
export async function idlePhase(ctx: PhaseContext, d: ConnDurations): Promise<void> {
  const { sim, spy } = ctx;
  const idle = d.idleTimeoutMs;
  const rpc = async (id: string): Promise<number | undefined> => {
    const { outcome } = ctx.call(id, true, 10_000);
    await ctx.until(() => outcome.settledAt !== undefined, 11_000);
    return outcome.ok === true ? outcome.settledAt : undefined;
  };
  let last = await rpc("idle-0");
  if (last === undefined) return;
  if (idle === 0 || idle > 4 * SLACK_MS) {
    await runTo(ctx, last + (idle === 0 ? IDLE_DISABLED_WATCH_MS : Math.floor(idle / 2)));
    ctx.fail(
      checkIdleTimeout(spy.transports, {
        lastActivity: last,
        idleTimeoutMs: idle,
        until: sim.now(),
      }),
    );
    if (idle === 0) return;
    last = await rpc("idle-1");
    if (last === undefined) return;
  }
  await runTo(ctx, last + idle + 2 * SLACK_MS + 1);
  ctx.fail(
    checkIdleTimeout(spy.transports, { lastActivity: last, idleTimeoutMs: idle, until: sim.now() }),
  );
}
