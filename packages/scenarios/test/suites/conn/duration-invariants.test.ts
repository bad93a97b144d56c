import { resolveBackoffOptions } from "@dsim/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ConnFacts,
  checkBackoff,
  checkIdleTimeout,
  type TransitionFact,
} from "../../../src/invariants/conn/index.js";
import { connCaseArbitrary } from "../../../src/suites/conn/conn-case.js";
import {
  allowedTimerFires,
  handshakeMs,
  MAX_TIMER_MS,
} from "../../../src/suites/conn/conn-durations.js";
import type { DialFact, TransportFact } from "../../../src/suites/conn/spy-dialer.js";

const facts: ConnFacts = {
  dials: [],
  transports: [],
  streams: [],
  transitions: [],
  processed: new Map(),
  outcomes: [],
  addressUpdates: [],
  backoff: { initialMs: 1000, multiplier: 2, jitter: 0.2, maxMs: 8000, minConnectTimeoutMs: 500 },
  keepaliveMs: null,
  closedAt: undefined,
};

function transport(extra: Partial<TransportFact> = {}): TransportFact {
  return { dialId: 0, address: "a", opensAfterGoaway: 0, readyAt: 0, pings: [], ...extra };
}

function failed(id: number, start: number, length = 2): DialFact {
  return {
    id,
    address: "a",
    start,
    tooManyPingsBefore: 0,
    settledAt: start + length,
    outcome: "failed",
  };
}

describe("conn.idle-timeout", () => {
  const stretch = { lastActivity: 100, idleTimeoutMs: 1_000, until: 1_200 };

  it("a connection closed by the client before the timeout is a violation", () => {
    const found = checkIdleTimeout([transport({ clientClosedAt: 600 })], stretch);
    expect(found.map((v) => v.invariant)).toEqual(["conn.idle-timeout"]);
  });

  it("a connection closed at the timeout is fine", () => {
    expect(checkIdleTimeout([transport({ clientClosedAt: 1_100 })], stretch)).toEqual([]);
  });

  it("a connection still open after the timeout is a violation", () => {
    const found = checkIdleTimeout([transport()], stretch);
    expect(found[0]?.message).toMatch(/still open/);
  });

  it("a connection its server ended first is not judged", () => {
    expect(
      checkIdleTimeout([transport({ goawayAt: 500, clientClosedAt: 501, closedAt: 502 })], stretch),
    ).toEqual([]);
    expect(checkIdleTimeout([transport({ closedAt: 300 })], stretch)).toEqual([]);
  });

  it("with idleness disabled (0) the client never closes an idle connection", () => {
    const disabled = { lastActivity: 100, idleTimeoutMs: 0, until: 5_000_000 };
    expect(checkIdleTimeout([transport()], disabled)).toEqual([]);
    expect(checkIdleTimeout([transport({ clientClosedAt: 4_000_000 })], disabled)).toHaveLength(1);
  });
});

describe("conn.backoff-spacing with generated options", () => {
  it("a retry after a channel idle timeout may start a new loop at once", () => {
    const transitions: TransitionFact[] = [
      { t: 2, scope: "a", from: "CONNECTING", to: "TRANSIENT_FAILURE" },
      { t: 50, scope: "a", from: "TRANSIENT_FAILURE", to: "IDLE" },
      { t: 50, scope: "channel", from: "TRANSIENT_FAILURE", to: "IDLE" },
    ];
    const dials = [failed(0, 0), failed(1, 60)];
    expect(checkBackoff({ ...facts, dials, transitions }, 100)).toEqual([]);
  });

  it("the same shortcut while the channel is active is a backoff bypass", () => {
    const transitions: TransitionFact[] = [
      { t: 2, scope: "a", from: "CONNECTING", to: "TRANSIENT_FAILURE" },
      { t: 50, scope: "a", from: "TRANSIENT_FAILURE", to: "IDLE" },
    ];
    const dials = [failed(0, 0), failed(1, 60)];
    const found = checkBackoff({ ...facts, dials, transitions }, 100);
    expect(found.map((v) => v.invariant)).toContain("conn.backoff-spacing");
  });

  it("an attempt the client aborts before max(backoff, min connect timeout) is cut short", () => {
    const cut: DialFact = {
      id: 0,
      address: "a",
      start: 0,
      tooManyPingsBefore: 0,
      abortedAt: 1,
      abortedInFlight: true,
      settledAt: 1,
      outcome: "failed",
    };
    const found = checkBackoff({ ...facts, dials: [cut] }, 10);
    expect(found.map((v) => v.invariant)).toEqual(["conn.connect-deadline"]);
    // Aborted by a shutdown of its subchannel: not a deadline.
    const transitions: TransitionFact[] = [
      { t: 1, scope: "a", from: "CONNECTING", to: "SHUTDOWN" },
    ];
    expect(checkBackoff({ ...facts, dials: [cut], transitions }, 10)).toEqual([]);
  });

  it("no jitter verdict when the configured jitter is 0", () => {
    const zero = { ...facts.backoff, jitter: 0 };
    const starts = [0, 1000, 3000, 7000, 15000];
    const dials = starts.map((s, i) => failed(i, s));
    const transitions: TransitionFact[] = starts
      .slice(1)
      .map((t) => ({ t, scope: "a", from: "TRANSIENT_FAILURE", to: "CONNECTING" }));
    expect(checkBackoff({ ...facts, backoff: zero, dials, transitions }, 20_000)).toEqual([]);
  });
});

describe("generated durations", () => {
  it("are options the channel accepts, from ms to the timer limit, for every sample", () => {
    const samples = fc.sample(connCaseArbitrary, { seed: 11, numRuns: 300 });
    let small = 0;
    let huge = 0;
    for (const c of samples) {
      const d = c.durations;
      expect(d).toBeDefined();
      if (d === undefined) continue;
      expect(() =>
        resolveBackoffOptions({
          initialMs: d.initialBackoffMs,
          multiplier: d.multiplier,
          jitter: d.jitter,
          maxMs: d.maxBackoffMs,
        }),
      ).not.toThrow();
      expect(d.maxBackoffMs * (1 + d.jitter)).toBeLessThanOrEqual(MAX_TIMER_MS);
      expect(d.connectTimeoutMs).toBeGreaterThanOrEqual(handshakeMs(c.latencyMs));
      expect(d.idleTimeoutMs).toBeLessThanOrEqual(MAX_TIMER_MS);
      if (d.initialBackoffMs <= 100) small += 1;
      if (d.maxBackoffMs >= 2 ** 30) huge += 1;
    }
    // Both ends occur often.
    expect(small).toBeGreaterThan(30);
    expect(huge).toBeGreaterThan(100);
  });

  it("a policy retrying every ms may fire that many timers", () => {
    const d = {
      initialBackoffMs: 1,
      multiplier: 1,
      jitter: 0,
      maxBackoffMs: 1,
      connectTimeoutMs: 100,
      idleTimeoutMs: 0,
      outage: "refuse" as const,
    };
    expect(allowedTimerFires(d, 2, 500)).toBe(500 + 2 * 2 * 1000);
  });
});
