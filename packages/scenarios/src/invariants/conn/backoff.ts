import type { DialFact } from "../../suites/conn/spy-dialer.js";
import { baseBackoff, type ConnFacts, dialEnd, type Violation } from "./facts.js";

/** Virtual timers run on whole milliseconds: allow for truncation of fractional delays. */
const SLACK_MS = 2;

interface Step {
  readonly dial: DialFact;
  /** Attempts since the last reset (success or a fresh subchannel): the backoff index k. */
  readonly k: number;
}

/** Per address, the dials in order with their backoff index as the spec defines it. */
function steps(facts: ConnFacts): Map<string, Step[]> {
  const byAddress = new Map<string, Step[]>();
  const shutdowns = facts.transitions.filter((x) => x.to === "SHUTDOWN" && x.scope !== "channel");
  for (const dial of facts.dials) {
    const list = byAddress.get(dial.address) ?? [];
    const prev = list.at(-1);
    let k = 0;
    if (prev !== undefined) {
      const recreated = shutdowns.some(
        (s) => s.scope === dial.address && s.t >= prev.dial.start && s.t <= dial.start,
      );
      k = prev.dial.outcome === "ready" || recreated ? 0 : prev.k + 1;
    }
    list.push({ dial, k });
    byAddress.set(dial.address, list);
  }
  return byAddress;
}

/**
 * Judged on the dials core made (spy at the Dialer port) and the subchannel transitions:
 *
 * - `conn.backoff-spacing`: after a failed attempt k, the next attempt to that address starts no
 *   earlier than 0.8·b_k after it (never a hot loop), and — when it follows directly
 *   (TRANSIENT_FAILURE → CONNECTING) — no later than max(1.2·b_k, the failed attempt's length).
 *   Because k restarts only after a dial that reached SETTINGS, this also checks that backoff is
 *   reset exactly then.
 * - `conn.backoff-jitter`: direct retries are not all exactly b_k (jitter is applied).
 * - `conn.connect-deadline`: every attempt ends by max(1.2·b_k, MIN_CONNECT_TIMEOUT).
 * - `conn.single-attempt`: at most one attempt per address is in flight at any time.
 */
export function checkBackoff(facts: ConnFacts, endOfRun: number): Violation[] {
  const violations: Violation[] = [];
  const params = facts.backoff;
  const onBase: number[] = [];
  let jitterSamples = 0;
  for (const [address, list] of steps(facts)) {
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
      if (step.dial.outcome === "ready" || next.k === 0) continue;
      const gap = next.dial.start - step.dial.start;
      if (gap < b * (1 - params.jitter) - SLACK_MS) {
        violations.push({
          invariant: "conn.backoff-spacing",
          message: `attempts ${step.dial.id} and ${next.dial.id} to ${address} are ${gap} ms apart; backoff b_${step.k} = ${Math.round(b)} ms allows no less than ${Math.round(b * (1 - params.jitter))} ms`,
          details: { address, k: step.k, gap, b: Math.round(b), at: next.dial.start },
        });
        continue;
      }
      const direct = facts.transitions.some(
        (x) =>
          x.scope === address &&
          x.from === "TRANSIENT_FAILURE" &&
          x.to === "CONNECTING" &&
          x.t === next.dial.start,
      );
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
      if (end - step.dial.start < b * (1 - params.jitter)) {
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
