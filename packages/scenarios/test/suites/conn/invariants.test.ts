import { describe, expect, it } from "vitest";
import {
  type ConnFacts,
  checkAddresses,
  checkBackoff,
  checkKeepalive,
  checkOutcomes,
  checkStreams,
  checkTransitions,
} from "../../../src/invariants/conn/index.js";
import type { DialFact } from "../../../src/suites/conn/spy-dialer.js";

const base: ConnFacts = {
  dials: [],
  transports: [],
  streams: [],
  transitions: [],
  processed: new Map(),
  outcomes: [],
  addressUpdates: [],
  backoff: {
    initialMs: 1000,
    multiplier: 1.6,
    jitter: 0.2,
    maxMs: 120_000,
    minConnectTimeoutMs: 20_000,
  },
  keepaliveMs: null,
  closedAt: undefined,
};

function failedDials(starts: readonly number[], length = 10): DialFact[] {
  return starts.map((start, id) => ({
    id,
    address: "a",
    start,
    tooManyPingsBefore: 0,
    settledAt: start + length,
    outcome: "failed",
  }));
}

const names = (violations: readonly { invariant: string }[]): string[] =>
  violations.map((v) => v.invariant);

describe("conn invariants judge facts", () => {
  it("transitions: spec table and SHUTDOWN absorbing", () => {
    expect(
      checkTransitions({
        ...base,
        transitions: [{ t: 0, scope: "a", from: "IDLE", to: "CONNECTING" }],
      }),
    ).toEqual([]);
    expect(
      names(
        checkTransitions({
          ...base,
          transitions: [{ t: 0, scope: "a", from: "READY", to: "CONNECTING" }],
        }),
      ),
    ).toEqual(["conn.spec-transitions"]);
    expect(
      names(
        checkTransitions({
          ...base,
          transitions: [{ t: 5, scope: "a", from: "SHUTDOWN", to: "READY" }],
        }),
      ),
    ).toEqual(["conn.shutdown-absorbing"]);
  });

  it("backoff: within [0.8, 1.2]·b_k passes; a hot loop, a missing reset and overlap fail", () => {
    expect(checkBackoff({ ...base, dials: failedDials([0, 1000, 2600, 5160]) }, 10_000)).toEqual(
      [],
    );
    expect(names(checkBackoff({ ...base, dials: failedDials([0, 1000, 2000]) }, 10_000))).toEqual([
      "conn.backoff-spacing",
    ]);
    const overlapping: DialFact[] = [
      { id: 0, address: "a", tooManyPingsBefore: 0, start: 0 },
      { id: 1, address: "a", tooManyPingsBefore: 0, start: 5 },
    ];
    expect(names(checkBackoff({ ...base, dials: overlapping }, 30_000))).toContain(
      "conn.single-attempt",
    );
    expect(names(checkBackoff({ ...base, dials: overlapping }, 30_000))).toContain(
      "conn.connect-deadline",
    );
    // After a success the index restarts: a direct retry 2.56 s later is too late for b_0.
    const dials: DialFact[] = [
      { id: 0, address: "a", tooManyPingsBefore: 0, start: 0, settledAt: 10, outcome: "ready" },
      {
        id: 1,
        address: "a",
        tooManyPingsBefore: 0,
        start: 50_000,
        settledAt: 50_010,
        outcome: "failed",
      },
      {
        id: 2,
        address: "a",
        tooManyPingsBefore: 0,
        start: 52_560,
        settledAt: 52_570,
        outcome: "failed",
      },
    ];
    const transitions = [
      { t: 52_560, scope: "a", from: "TRANSIENT_FAILURE" as const, to: "CONNECTING" as const },
    ];
    expect(names(checkBackoff({ ...base, dials, transitions }, 60_000))).toEqual([
      "conn.backoff-spacing",
    ]);
  });

  it("backoff: retries that all sit exactly on b_k have no jitter", () => {
    const starts = [0, 1000, 2600, 5160, 9256];
    const transitions = starts.slice(1).map((t) => ({
      t,
      scope: "a",
      from: "TRANSIENT_FAILURE" as const,
      to: "CONNECTING" as const,
    }));
    expect(
      names(checkBackoff({ ...base, dials: failedDials(starts), transitions }, 20_000)),
    ).toEqual(["conn.backoff-jitter"]);
  });

  it("streams: a re-send after a possibly processed end, a third send, a stream after GOAWAY", () => {
    const ok = checkStreams({
      ...base,
      streams: [
        { rpcId: "r1", dialId: 0, at: 0, end: "refused" },
        { rpcId: "r1", dialId: 1, at: 5, end: "status" },
      ],
    });
    expect(ok).toEqual([]);
    expect(
      names(
        checkStreams({
          ...base,
          streams: [
            { rpcId: "r1", dialId: 0, at: 0, end: "closed" },
            { rpcId: "r1", dialId: 1, at: 5, end: "status" },
          ],
        }),
      ),
    ).toEqual(["conn.never-resend-possibly-processed"]);
    expect(
      names(
        checkStreams({
          ...base,
          streams: [0, 1, 2].map((i) => ({
            rpcId: "r1",
            dialId: i,
            at: i,
            end: "refused" as const,
          })),
        }),
      ),
    ).toEqual(["conn.refused-retry-at-most-once"]);
    expect(
      names(
        checkStreams({
          ...base,
          transports: [
            { dialId: 0, address: "a", goawayAt: 1, opensAfterGoaway: 1, readyAt: 0, pings: [] },
          ],
        }),
      ),
    ).toEqual(["conn.no-stream-after-goaway"]);
    expect(names(checkStreams({ ...base, processed: new Map([["r1", 2]]) }))).toEqual([
      "conn.never-resend-possibly-processed",
    ]);
  });

  it("addresses and outcomes", () => {
    const dials: DialFact[] = [{ id: 0, address: "b", tooManyPingsBefore: 0, start: 10 }];
    expect(
      names(
        checkAddresses({
          ...base,
          dials,
          addressUpdates: [{ t: 5, firstDial: 0, addresses: ["a"] }],
        }),
      ),
    ).toEqual(["conn.only-current-addresses"]);
    expect(
      checkAddresses({
        ...base,
        dials,
        addressUpdates: [{ t: 5, firstDial: 1, addresses: ["a"] }],
      }),
    ).toEqual([]);
    const outcomes = [{ id: "r", at: 0, deadlineAt: 100, settledAt: 50, ok: false, status: 14 }];
    expect(names(checkOutcomes({ ...base, outcomes }, true))).toEqual([
      "conn.graceful-goaway-zero-failures",
    ]);
    expect(checkOutcomes({ ...base, outcomes }, false)).toEqual([]);
    expect(
      names(checkOutcomes({ ...base, outcomes: [{ id: "r", at: 0, deadlineAt: 100 }] }, false)),
    ).toEqual(["conn.rpc-settles-by-deadline"]);
  });

  it("keepalive: pings closer than the (doubled) interval", () => {
    const dials: DialFact[] = [
      { id: 0, address: "a", tooManyPingsBefore: 0, start: 0, settledAt: 1, outcome: "ready" },
      { id: 1, address: "a", tooManyPingsBefore: 1, start: 100, settledAt: 101, outcome: "ready" },
    ];
    const transport = (dialId: number, readyAt: number, pings: number[]) => ({
      dialId,
      address: "a",
      opensAfterGoaway: 0,
      readyAt,
      pings,
    });
    const good = {
      ...base,
      keepaliveMs: 10,
      dials,
      transports: [transport(0, 1, [11, 21]), transport(1, 101, [121])],
    };
    expect(checkKeepalive(good)).toEqual([]);
    const bad = { ...good, transports: [transport(1, 101, [111])] };
    expect(names(checkKeepalive(bad))).toEqual(["conn.keepalive-interval"]);
  });
});
