import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EtcdMessage,
  GrpcCode,
  type KeepAliveSubscription,
  Lessor,
} from "../../src/lease/index.js";
import { FakeLeaseClient, FakeStatusError } from "./helpers/fake-lease-client.js";
import { TestClock } from "./helpers/test-clock.js";

const TTLS: Record<string, number> = { "1": 2, "2": 3, "3": 6 };

type Action =
  | { kind: "subscribe"; lease: 1 | 2 | 3; requireLeader: boolean }
  | { kind: "cancel"; index: number }
  | { kind: "read"; index: number; count: number }
  | { kind: "fail"; noLeader: boolean }
  | { kind: "drop"; on: boolean }
  | { kind: "revoke"; lease: 1 | 2 | 3 };

const leaseArb = fc.constantFrom<1 | 2 | 3>(1, 2, 3);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant("subscribe" as const),
    lease: leaseArb,
    requireLeader: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("cancel" as const), index: fc.nat(20) }),
  fc.record({
    kind: fc.constant("read" as const),
    index: fc.nat(20),
    count: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({ kind: fc.constant("fail" as const), noLeader: fc.boolean() }),
  fc.record({ kind: fc.constant("drop" as const), on: fc.boolean() }),
  fc.record({ kind: fc.constant("revoke" as const), lease: leaseArb }),
);
const stepArb = fc.record({ action: actionArb, waitMs: fc.integer({ min: 0, max: 3000 }) });

describe("Lessor properties (fake client, virtual time)", () => {
  it("rate, buffer, close-once, no requests without subscribers, no leak", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 30 }), async (steps) => {
        const clock = new TestClock();
        const client = new FakeLeaseClient(clock);
        client.latencyMs = 3;
        for (const [id, ttl] of Object.entries(TTLS)) client.addLease(BigInt(id), ttl);
        const lessor = new Lessor({ client, clock });
        const subs: KeepAliveSubscription[] = [];
        const closes = new Map<KeepAliveSubscription, number>();
        for (const { action, waitMs } of steps) {
          switch (action.kind) {
            case "subscribe": {
              const sub = lessor.keepAlive(BigInt(action.lease), {
                requireLeader: action.requireLeader,
              });
              subs.push(sub);
              closes.set(sub, 0);
              void sub.whenClosed().then(() => closes.set(sub, (closes.get(sub) ?? 0) + 1));
              break;
            }
            case "cancel":
              subs[action.index % Math.max(1, subs.length)]?.cancel();
              break;
            case "read": {
              const sub = subs[action.index % Math.max(1, subs.length)];
              for (let i = 0; i < action.count; i++) sub?.tryReceive();
              break;
            }
            case "fail":
              client.failStreams(
                new FakeStatusError(
                  GrpcCode.UNAVAILABLE,
                  action.noLeader ? EtcdMessage.noLeader : "transport is closing",
                ),
              );
              break;
            case "drop":
              client.dropResponses = action.on;
              break;
            case "revoke":
              client.leasesById.delete(BigInt(action.lease));
              break;
          }
          const openAtStart = new Set(subs.filter((s) => !s.closed).map((s) => s.id));
          const closedBefore = new Map(subs.map((s) => [s, s.closed ? s.buffered : -1]));
          const seenBefore = client.requests.length;
          await clock.advance(waitMs);
          for (const r of client.requests.slice(seenBefore)) {
            // No request for a lease that had no open subscriber during the whole step.
            expect(openAtStart.has(r.id)).toBe(true);
          }
          for (const s of subs) {
            expect(s.buffered).toBeLessThanOrEqual(16);
            const before = closedBefore.get(s) ?? -1;
            // Closed subscriptions never receive more.
            if (before >= 0) expect(s.buffered).toBeLessThanOrEqual(before);
          }
        }
        for (const [id, ttl] of Object.entries(TTLS)) {
          const times = client.requestsFor(BigInt(id));
          for (let i = 1; i < times.length; i++) {
            expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(
              (ttl * 1000) / 3,
            );
          }
        }
        await lessor.close();
        await clock.settle();
        for (const sub of subs) {
          expect(sub.closed).toBe(true);
          expect(closes.get(sub)).toBe(1);
        }
        expect(clock.pending()).toBe(0);
        expect(client.openStreams()).toBe(0);
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});
