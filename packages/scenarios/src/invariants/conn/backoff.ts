import type { DialFact } from "../../suites/conn/spy-dialer.js";
import { baseBackoff, type ConnFacts, dialEnd, type Violation } from "./facts.js";

/** Virtual timers run on whole milliseconds: allow for truncation of fractional delays. */
const SLACK_MS = 2;

interface Step {
  readonly dial: DialFact;
  /** Attempts since the last reset (success or a fresh subchannel): the backoff index k. */
  readonly k: number;
  /**
   * The smallest index the spec allows: 0 after the channel went IDLE by its idle timeout while
   * this address was in backoff (grpc-go rebuilds its subchannels then; a client that keeps
   * counting is as right), else `k`. Lower bounds use it, upper bounds use `k`.
   */
  readonly kLow: number;
  /** True when the channel went idle since the previous attempt: a new loop may start at once. */
  readonly afterIdle: boolean;
}

/** Per address, what the transitions say about its attempt loop (indexed once per check). */
interface LoopIndex {
  /**
   * Times `address` left TRANSIENT_FAILURE backoff for IDLE while the channel was IDLE (its idle
   * timeout, or everything drained): the attempt loop was abandoned, and an RPC may start a new
   * one at once. While the channel is active that shortcut would be a backoff bypass.
   */
  readonly abandoned: Map<string, number[]>;
  /** `address@t` for every TRANSIENT_FAILURE → CONNECTING (a retry right after the backoff). */
  readonly direct: Set<string>;
}

function indexLoops(facts: ConnFacts): LoopIndex {
  // The channel may pass through IDLE and leave it in the same ms (an RPC right away).
  const channelIdleAt = new Set<number>();
  for (const x of facts.transitions) {
    if (x.scope === "channel" && x.to === "IDLE") channelIdleAt.add(x.t);
  }
  const abandoned = new Map<string, number[]>();
  const direct = new Set<string>();
  let channel: string | undefined;
  let channelBefore: string | undefined;
  let ms = Number.NEGATIVE_INFINITY;
  for (const x of facts.transitions) {
    if (x.t !== ms) {
      ms = x.t;
      channelBefore = channel;
    }
    if (x.scope === "channel") {
      channel = x.to;
      continue;
    }
    if (x.from === "TRANSIENT_FAILURE" && x.to === "CONNECTING") direct.add(`${x.scope}@${x.t}`);
    if (
      x.from === "TRANSIENT_FAILURE" &&
      x.to === "IDLE" &&
      (channelIdleAt.has(x.t) || channelBefore === "IDLE")
    ) {
      const list = abandoned.get(x.scope) ?? [];
      list.push(x.t);
      abandoned.set(x.scope, list);
    }
  }
  return { abandoned, direct };
}

/** Per address, the dials in order with their backoff index as the spec defines it. */
function steps(facts: ConnFacts, index: LoopIndex): Map<string, Step[]> {
  const byAddress = new Map<string, Step[]>();
  const shutdowns = facts.transitions.filter((x) => x.to === "SHUTDOWN" && x.scope !== "channel");
  for (const dial of facts.dials) {
    const list = byAddress.get(dial.address) ?? [];
    const prev = list.at(-1);
    let k = 0;
    let kLow = 0;
    let afterIdle = false;
    if (prev !== undefined) {
      const recreated = shutdowns.some(
        (s) => s.scope === dial.address && s.t >= prev.dial.start && s.t <= dial.start,
      );
      if (prev.dial.outcome !== "ready" && !recreated) {
        k = prev.k + 1;
        afterIdle = (index.abandoned.get(dial.address) ?? []).some(
          (t) => t > prev.dial.start && t <= dial.start,
        );
        kLow = afterIdle ? 0 : prev.kLow + 1;
      }
    }
    list.push({ dial, k, kLow, afterIdle });
    byAddress.set(dial.address, list);
  }
  return byAddress;
}

/** Jitter is only visible when it moves a delay by more than the clock's rounding. */
const VISIBLE_JITTER_MS = 10 * SLACK_MS;

/**
 * Judged on the dials core made (spy at the Dialer port) and the subchannel transitions:
 *
 * - `conn.backoff-spacing`: after a failed attempt k, the next attempt to that address starts no
 *   earlier than 0.8·b_k after it (never a hot loop), and — when it follows directly
 *   (TRANSIENT_FAILURE → CONNECTING) — no later than max(1.2·b_k, the failed attempt's length).
 *   Because k restarts only after a dial that reached SETTINGS, this also checks that backoff is
 *   reset exactly then.
 * - `conn.backoff-jitter`: direct retries are not all exactly b_k (jitter is applied), judged when
 *   the configured jitter moves delays by more than the clock's rounding.
 * - `conn.connect-deadline`: every attempt ends by max(1.2·b_k, MIN_CONNECT_TIMEOUT), and one the
 *   client aborts in flight (not at a shutdown) lasted at least max(0.8·b_k, MIN_CONNECT_TIMEOUT):
 *   the spec's TryConnect(max(deadline, now + MIN_CONNECT_TIMEOUT)).
 * - `conn.single-attempt`: at most one attempt per address is in flight at any time.
 */
export function checkBackoff(facts: ConnFacts, endOfRun: number): Violation[] {
  const violations: Violation[] = [];
  const params = facts.backoff;
  const onBase: number[] = [];
  let jitterSamples = 0;
  const index = indexLoops(facts);
  for (const [address, list] of steps(facts, index)) {
    for (let i = 0; i < list.length; i++) {
      const step = list[i];
      if (step === undefined) continue;
      const b = baseBackoff(params, step.k);
      const end = dialEnd(step.dial);
      const limit = Math.max(b * (1 + params.jitter), params.minConnectTimeoutMs) + SLACK_MS;
      const lasted = (end ?? endOfRun) - step.dial.start;
      if (lasted > limit) {
        violations.push({
          invariant: "conn.connect-deadline",
          message: `attempt ${step.dial.id} to ${address} lasted ${lasted} ms, beyond its deadline of ${Math.round(limit)} ms`,
          details: {
            address,
            dial: step.dial.id,
            start: step.dial.start,
            lasted,
            limit: Math.round(limit),
          },
        });
      }
      const floor =
        Math.max(baseBackoff(params, step.kLow) * (1 - params.jitter), params.minConnectTimeoutMs) -
        SLACK_MS;
      const abortedAt = step.dial.abortedAt;
      if (
        step.dial.abortedInFlight === true &&
        abortedAt !== undefined &&
        Number.isFinite(floor) &&
        abortedAt - step.dial.start < floor &&
        !shutDownAt(facts, address, abortedAt)
      ) {
        violations.push({
          invariant: "conn.connect-deadline",
          message: `attempt ${step.dial.id} to ${address} was aborted after ${abortedAt - step.dial.start} ms, before its deadline of ${Math.round(floor + SLACK_MS)} ms (max(backoff, min connect timeout))`,
          details: {
            address,
            dial: step.dial.id,
            start: step.dial.start,
            lasted: abortedAt - step.dial.start,
            floor: Math.round(floor + SLACK_MS),
          },
        });
      }
      const next = list[i + 1];
      if (next === undefined) continue;
      if (end === undefined || next.dial.start < end) {
        violations.push({
          invariant: "conn.single-attempt",
          message: `attempt ${next.dial.id} to ${address} started while attempt ${step.dial.id} was still in flight`,
          details: { address, first: step.dial.id, second: next.dial.id, at: next.dial.start },
        });
        continue;
      }
      if (step.dial.outcome === "ready" || next.k === 0 || next.afterIdle) continue;
      const gap = next.dial.start - step.dial.start;
      const bLow = baseBackoff(params, step.kLow);
      if (gap < bLow * (1 - params.jitter) - SLACK_MS) {
        violations.push({
          invariant: "conn.backoff-spacing",
          message: `attempts ${step.dial.id} and ${next.dial.id} to ${address} are ${gap} ms apart; backoff b_${step.kLow} = ${Math.round(bLow)} ms allows no less than ${Math.round(bLow * (1 - params.jitter))} ms`,
          details: { address, k: step.kLow, gap, b: Math.round(bLow), at: next.dial.start },
        });
        continue;
      }
      const direct = index.direct.has(`${address}@${next.dial.start}`);
      if (!direct) continue;
      const upper = Math.max(b * (1 + params.jitter), end - step.dial.start) + SLACK_MS;
      if (gap > upper) {
        violations.push({
          invariant: "conn.backoff-spacing",
          message: `attempts ${step.dial.id} and ${next.dial.id} to ${address} are ${gap} ms apart; after ${step.k} failures since the last SETTINGS the backoff b_${step.k} = ${Math.round(b)} ms allows at most ${Math.round(upper)} ms (backoff not reset?)`,
          details: { address, k: step.k, gap, b: Math.round(b), at: next.dial.start },
        });
        continue;
      }
      if (
        end - step.dial.start < b * (1 - params.jitter) &&
        b * params.jitter > VISIBLE_JITTER_MS
      ) {
        jitterSamples += 1;
        if (Math.abs(gap - b) <= SLACK_MS) onBase.push(gap);
      }
    }
  }
  if (jitterSamples >= 3 && onBase.length === jitterSamples) {
    violations.push({
      invariant: "conn.backoff-jitter",
      message: `all ${jitterSamples} retry gaps sit exactly on b_k: no jitter`,
      details: { samples: jitterSamples },
    });
  }
  return violations;
}

/** True when the subchannel of `address` (or the whole channel) was shut down at `t`. */
function shutDownAt(facts: ConnFacts, address: string, t: number): boolean {
  if (facts.closedAt !== undefined && facts.closedAt <= t) return true;
  return facts.transitions.some((x) => x.scope === address && x.to === "SHUTDOWN" && x.t === t);
}
