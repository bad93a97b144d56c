import { Simulation } from "@dsim/sim-server";
import { describe, expect, it } from "vitest";
import {
  type Attempt,
  checkBackoffSpacing,
  checkIntervalRule,
  checkKeepAliveRate,
  checkLivenessAfterHeal,
  checkNoExpiryUnderShortFaults,
  checkNoResendOfProcessed,
  checkNoStreamAfterGoaway,
  checkNothingLeftAfterClose,
  checkOnlyCurrentAddresses,
  checkPromptLossReport,
  checkRefreshRate,
  checkStaleServing,
  expectNoViolations,
  GRPC_BACKOFF,
  InvariantViolation,
  isInvariantViolation,
} from "../../src/index.js";

const names = (list: readonly { invariant: string }[]): string[] => list.map((v) => v.invariant);

/** Failed attempts `gaps` apart, each lasting 5 ms, to one address. */
function failedAttempts(gaps: readonly number[]): Attempt[] {
  const attempts: Attempt[] = [];
  let start = 0;
  for (const gap of [0, ...gaps]) {
    start += gap;
    attempts.push({ address: "a:1", start, end: start + 5, ok: false });
  }
  return attempts;
}

describe("checkBackoffSpacing", () => {
  const rule = { initialMs: 1_000, multiplier: 2, jitter: 0.2, maxMs: 8_000 };

  it("flags a retry loop without backoff", () => {
    const violations = checkBackoffSpacing(failedAttempts([50, 50]), rule);
    expect(names(violations)).toContain("conn.backoff-spacing");
    expect(violations[0]?.details).toMatchObject({ address: "a:1", k: 0, gap: 50 });
  });

  it("accepts exponential spacing within the jitter, and a reset after a success", () => {
    const attempts = failedAttempts([900, 2_100, 3_500]);
    attempts.push({ address: "a:1", start: 14_500, end: 14_505, ok: true });
    attempts.push({ address: "a:1", start: 14_600, end: 14_605, ok: false });
    expect(checkBackoffSpacing(attempts, rule)).toEqual([]);
  });

  it("flags the second backoff step when it did not grow", () => {
    expect(names(checkBackoffSpacing(failedAttempts([1_000, 1_000]), rule))).toEqual([
      "conn.backoff-spacing",
    ]);
  });

  it("flags two attempts to one address in flight at once", () => {
    const attempts: Attempt[] = [
      { address: "a:1", start: 0, end: 3_000, ok: false },
      { address: "a:1", start: 1_000, end: 1_005, ok: false },
    ];
    expect(names(checkBackoffSpacing(attempts, rule))).toContain("conn.single-attempt");
  });

  it("checks connect deadlines only when asked to", () => {
    const long: Attempt[] = [{ address: "a:1", start: 0, end: 30_000, ok: false }];
    expect(checkBackoffSpacing(long, rule)).toEqual([]);
    expect(names(checkBackoffSpacing(long, GRPC_BACKOFF))).toEqual(["conn.connect-deadline"]);
  });
});

describe("conn checkers", () => {
  it("checkOnlyCurrentAddresses flags a dial to a removed address after the update", () => {
    const attempts: Attempt[] = [
      { address: "a:1", start: 0, end: 1, ok: true },
      { address: "a:1", start: 100, end: 101, ok: true },
      { address: "b:1", start: 200, end: 201, ok: true },
      { address: "a:1", start: 300, end: 301, ok: true },
    ];
    const updates = [{ at: 100, addresses: ["b:1"] }];
    const violations = checkOnlyCurrentAddresses(attempts, updates);
    expect(violations.map((v) => v.details.at)).toEqual([300]);
    expect(names(violations)).toEqual(["conn.only-current-addresses"]);
  });

  it("checkNoStreamAfterGoaway counts streams after the GOAWAY reached the client", () => {
    const ok = checkNoStreamAfterGoaway([
      { id: 1, address: "a:1", goawayAt: 100, latencyMs: 5, streamsOpenedAt: [10, 104] },
      { id: 2, address: "a:1", streamsOpenedAt: [10, 500] },
    ]);
    expect(ok).toEqual([]);
    const bad = checkNoStreamAfterGoaway([
      { id: 1, address: "a:1", goawayAt: 100, latencyMs: 5, streamsOpenedAt: [10, 106, 200] },
    ]);
    expect(names(bad)).toEqual(["conn.no-stream-after-goaway"]);
    expect(bad[0]?.details.opens).toBe(2);
  });

  it("checkNoResendOfProcessed allows one retry after a refusal only", () => {
    expect(
      checkNoResendOfProcessed([
        {
          id: "r1",
          processed: 1,
          sends: [
            { at: 0, end: "refused" },
            { at: 5, end: "status" },
          ],
        },
      ]),
    ).toEqual([]);
    const resent = checkNoResendOfProcessed([
      {
        id: "r2",
        processed: 2,
        sends: [
          { at: 0, end: "reset" },
          { at: 5, end: "status" },
        ],
      },
    ]);
    expect(names(resent)).toEqual([
      "conn.never-resend-possibly-processed",
      "conn.never-resend-possibly-processed",
    ]);
  });
});

describe("lease checkers", () => {
  const lease = { id: 7n, ttlMs: 9_000, keepAlives: [0, 3_000, 6_000] };

  it("checkKeepAliveRate flags keep-alives closer than TTL/3", () => {
    expect(checkKeepAliveRate([lease])).toEqual([]);
    const hammered = { ...lease, keepAlives: [0, 100, 200] };
    expect(names(checkKeepAliveRate([hammered]))).toEqual(["lease.keepalive-rate"]);
    expect(checkKeepAliveRate([hammered], { minMs: 0, maxMs: 3_000 })).toEqual([]);
  });

  it("checkNoExpiryUnderShortFaults judges only leases whose faults were shorter than the TTL", () => {
    const expired = { ...lease, expiredAt: 15_000 };
    expect(names(checkNoExpiryUnderShortFaults([expired], () => 5_000))).toEqual([
      "lease.never-expires-under-short-faults",
    ]);
    expect(checkNoExpiryUnderShortFaults([expired], () => 10_000)).toEqual([]);
  });

  it("checkPromptLossReport wants the loss reported within TTL/3 + 1 s of the server-side end", () => {
    const expired = { ...lease, expiredAt: 15_000 };
    expect(checkPromptLossReport([expired], () => 19_000)).toEqual([]);
    expect(names(checkPromptLossReport([expired], () => 19_001))).toEqual([
      "lease.prompt-loss-report",
    ]);
    // A client that reports only TTL later (etcd3 1.1.2: 2×TTL after the last acknowledgement).
    expect(names(checkPromptLossReport([expired], () => 24_000))).toEqual([
      "lease.prompt-loss-report",
    ]);
    expect(checkPromptLossReport([expired], () => undefined)[0]?.details.reportedAt).toBeNull();
    expect(checkPromptLossReport([lease], () => undefined)).toEqual([]);
  });
});

describe("refresh checkers", () => {
  it("checkRefreshRate flags requests closer than the minimum interval", () => {
    const requests = [0, 1_000, 1_500].map((at) => ({ at, ok: false }));
    expect(checkRefreshRate(requests, 500)).toEqual([]);
    expect(checkRefreshRate(requests, 501)[0]?.details).toMatchObject({ at: 1_500, gapMs: 500 });
  });

  it("checkIntervalRule flags early and late refreshes", () => {
    const onTime = [
      { at: 0, ok: true, nextAfterMs: 10_000 },
      { at: 10_000, ok: true },
    ];
    expect(checkIntervalRule(onTime, 1_000, 100, 20_000)).toEqual([]);
    const early = [
      { at: 0, ok: true, nextAfterMs: 10_000 },
      { at: 9_000, ok: true },
    ];
    expect(names(checkIntervalRule(early, 1_000, 100, 20_000))).toEqual(["refresh.interval-rule"]);
    const stopped = [{ at: 0, ok: true, nextAfterMs: 10_000 }];
    expect(names(checkIntervalRule(stopped, 1_000, 100, 20_000))).toEqual([
      "refresh.interval-rule",
    ]);
    expect(checkIntervalRule(stopped, 1_000, 100, 10_050)).toEqual([]);
  });

  it("checkStaleServing wants every read served once a value was fetched", () => {
    const reads = [
      { at: 0, served: false },
      { at: 5_000, served: true },
      { at: 9_000, served: false },
    ];
    expect(checkStaleServing(reads, undefined)).toEqual([]);
    expect(checkStaleServing(reads, 9_500)).toEqual([]);
    expect(checkStaleServing(reads, 4_000)[0]?.details).toEqual({ at: 9_000, firstValueAt: 4_000 });
  });

  it("checkLivenessAfterHeal wants a success within the bound after the heal", () => {
    const requests = [
      { at: 1_000, ok: false },
      { at: 12_000, ok: true },
    ];
    expect(checkLivenessAfterHeal(requests, 5_000, 10_000, 60_000)).toEqual([]);
    expect(names(checkLivenessAfterHeal(requests, 5_000, 5_000, 60_000))).toEqual([
      "refresh.live-after-heal",
    ]);
    expect(checkLivenessAfterHeal(requests, 5_000, 5_000, 9_000)).toEqual([]);
  });
});

describe("checkNothingLeftAfterClose", () => {
  it("names the owner that still holds timers and the open connections", async () => {
    await using sim = new Simulation({ seed: 1 });
    const clock = sim.clockFor("client");
    expect(checkNothingLeftAfterClose(sim, ["client"])).toEqual([]);
    const handle = clock.setTimeout(() => {}, 1_000);
    const violations = checkNothingLeftAfterClose(sim, ["client"]);
    expect(violations[0]?.details).toEqual({ owner: "client", timers: 1 });
    clock.clearTimeout(handle);
    expect(checkNothingLeftAfterClose(sim, ["client"])).toEqual([]);
  });
});

describe("expectNoViolations", () => {
  it("throws the first violation as an InvariantViolation, recognised across copies", () => {
    expect(() => expectNoViolations([], [])).not.toThrow();
    let thrown: unknown;
    try {
      expectNoViolations([], [{ invariant: "x.rule", message: "broke", details: { at: 1 } }]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvariantViolation);
    expect(thrown).toMatchObject({ invariant: "x.rule", message: "x.rule: broke" });
    expect(isInvariantViolation(thrown)).toBe(true);
    // A violation built by another copy of the package carries the same global brand.
    const foreign = Object.defineProperty(
      new Error("y"),
      Symbol.for("@dsim/scenarios.InvariantViolation"),
      {
        value: true,
      },
    );
    expect(isInvariantViolation(foreign)).toBe(true);
    expect(isInvariantViolation(new Error("z"))).toBe(false);
  });
});
