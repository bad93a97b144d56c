import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { FaultRules } from "../../src/grpc/faults.js";
import { applicationMetadata, requestHeaders, trailerHeaders } from "../../src/grpc/frames.js";
import { MessageQueue } from "../../src/grpc/message-queue.js";
import { PingEnforcer, resolvePingPolicy } from "../../src/grpc/ping-policy.js";
import { GrpcStatus, GrpcStatusError, statusFromError } from "../../src/grpc/status.js";
import { Sfc32Random } from "../../src/kernel/seeded-random.js";

describe("PingEnforcer (gRFC A8)", () => {
  const policy = resolvePingPolicy({ minPingIntervalMs: 1000, permitWithoutStream: true });

  it("tolerates pings at the minimum interval forever", () => {
    const enforcer = new PingEnforcer(policy);
    for (let i = 0; i < 50; i++) expect(enforcer.onPing(i * 1000, 1)).toBe(false);
    expect(enforcer.strikes).toBe(0);
  });

  it("sends GOAWAY on the third strike (maxPingStrikes 2), not before", () => {
    const enforcer = new PingEnforcer(policy);
    expect(enforcer.onPing(0, 1)).toBe(false); // first ping: nothing to compare with
    expect(enforcer.onPing(10, 1)).toBe(false); // strike 1
    expect(enforcer.onPing(20, 1)).toBe(false); // strike 2
    expect(enforcer.onPing(30, 1)).toBe(true); // strike 3 > 2
  });

  it("resets strikes when the server sent data", () => {
    const enforcer = new PingEnforcer(policy);
    enforcer.onPing(0, 1);
    enforcer.onPing(10, 1);
    enforcer.onPing(20, 1);
    enforcer.resetStrikes();
    expect(enforcer.onPing(30, 1)).toBe(false);
    expect(enforcer.strikes).toBe(0);
  });

  it("without permitWithoutStream, idle pings strike even at the minimum interval", () => {
    const strict = new PingEnforcer(resolvePingPolicy({ minPingIntervalMs: 1000 }));
    const verdicts = [0, 1000, 2000, 3000].map((t) => strict.onPing(t, 0));
    expect(verdicts).toEqual([false, false, false, true]);
  });

  it("rejects invalid policies up front", () => {
    expect(() => resolvePingPolicy({ minPingIntervalMs: -1 })).toThrow(RangeError);
    expect(() => resolvePingPolicy({ maxPingStrikes: 1.5 })).toThrow(RangeError);
  });
});

describe("FaultRules", () => {
  it("fires a counted rule exactly count times, for its method only", () => {
    const rules = new FaultRules(new Sfc32Random(1));
    rules.add({ method: "/a.A/X", count: 2 });
    expect(rules.take("/a.A/Y")).toBe(false);
    expect([rules.take("/a.A/X"), rules.take("/a.A/X"), rules.take("/a.A/X")]).toEqual([
      true,
      true,
      false,
    ]);
    expect(rules.size).toBe(0);
  });

  it("matches every method with *, until cleared", () => {
    const rules = new FaultRules(new Sfc32Random(1));
    rules.add({ method: "*" });
    expect(rules.take("/any/Thing")).toBe(true);
    rules.clear();
    expect(rules.take("/any/Thing")).toBe(false);
  });

  test.prop([fc.integer({ min: 0, max: 2 ** 32 - 1 })], { seed: 42, numRuns: 15 })(
    "a probabilistic rule is a pure function of the seed and hits about p of the time",
    (seed) => {
      const draw = (): boolean[] => {
        const rules = new FaultRules(new Sfc32Random(seed));
        rules.add({ method: "*", probability: 0.3 });
        return Array.from({ length: 400 }, () => rules.take("/m"));
      };
      const first = draw();
      expect(draw()).toEqual(first);
      const hits = first.filter(Boolean).length;
      expect(hits).toBeGreaterThan(60);
      expect(hits).toBeLessThan(180);
    },
  );

  it("validates rules", () => {
    const rules = new FaultRules(new Sfc32Random(1));
    expect(() => rules.add({ method: "" })).toThrow(TypeError);
    expect(() => rules.add({ method: "*", count: 0 })).toThrow(RangeError);
    expect(() => rules.add({ method: "*", probability: 2 })).toThrow(RangeError);
  });
});

describe("MessageQueue", () => {
  it("delivers buffered and later items in order, then ends", async () => {
    const queue = new MessageQueue<number>();
    queue.push(1);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const item of queue) seen.push(item);
    })();
    queue.push(2);
    await Promise.resolve();
    queue.push(3);
    queue.end();
    queue.push(4); // after end: ignored
    await reading;
    expect(seen).toEqual([1, 2, 3]);
  });

  it("discard drops buffered items and wakes the reader", async () => {
    const queue = new MessageQueue<number>();
    queue.push(1);
    queue.discard();
    const seen: number[] = [];
    for await (const item of queue) seen.push(item);
    expect(seen).toEqual([]);
  });

  it("allows a single reader", () => {
    const queue = new MessageQueue<number>();
    queue[Symbol.asyncIterator]();
    expect(() => queue[Symbol.asyncIterator]()).toThrow(TypeError);
  });
});

describe("headers and status", () => {
  it("request headers carry :path and application metadata strips it", () => {
    const headers = requestHeaders("/a.B/C", { "x-id": ["7"] });
    expect(headers[":path"]).toEqual(["/a.B/C"]);
    expect(applicationMetadata(headers, false)).toEqual({ "x-id": ["7"] });
  });

  it("trailers carry grpc-status and grpc-message", () => {
    const trailers = trailerHeaders(5, "missing", { "x-t": ["1"] });
    expect(trailers["grpc-status"]).toEqual(["5"]);
    expect(trailers["grpc-message"]).toEqual(["missing"]);
    expect(applicationMetadata(trailers, true)).toEqual({ "x-t": ["1"] });
  });

  it("maps thrown values to statuses", () => {
    expect(statusFromError(new GrpcStatusError(GrpcStatus.NOT_FOUND, "no such lease"))).toEqual({
      code: GrpcStatus.NOT_FOUND,
      details: "no such lease",
      metadata: {},
    });
    expect(statusFromError(new Error("boom")).code).toBe(GrpcStatus.UNKNOWN);
    expect(() => new GrpcStatusError(-1, "x")).toThrow(RangeError);
    expect(new GrpcStatusError(14, "x").code).toBe("GRPC_STATUS");
  });
});
