import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, Simulation, Trace } from "../../src/index.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth, writes bigint as a decimal string and omits undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1n, y: "s" }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":"s","z":"1"}]},"b":1}',
    );
    expect(canonicalJson([Number.NaN, Number.POSITIVE_INFINITY, undefined, -0])).toBe(
      "[null,null,null,0]",
    );
    expect(canonicalJson(12345678901234567890n)).toBe('"12345678901234567890"');
  });

  it("rejects functions, symbols and cycles", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
    expect(() => canonicalJson(Symbol("x"))).toThrow(TypeError);
    expect(() => canonicalJson(cycle)).toThrow(/cycle/);
  });
});

describe("Trace", () => {
  it("stamps events with virtual time and seq; digest is SHA-256 of the JSONL", async () => {
    const sim = new Simulation({ seed: 3 });
    sim.trace.record("lessor", "lease.granted", { id: 7n, ttl: 5 });
    sim.clock.setTimeout(() => sim.trace.record("lessor", "lease.expired"), 12);
    await sim.runFor(20);
    expect(sim.trace.events).toEqual([
      { t: 0, seq: 0, source: "lessor", kind: "lease.granted", data: { id: 7n, ttl: 5 } },
      { t: 12, seq: 1, source: "lessor", kind: "lease.expired", data: {} },
    ]);
    const jsonl = sim.trace.toJsonl();
    expect(jsonl).toBe(
      '{"data":{"id":"7","ttl":5},"kind":"lease.granted","seq":0,"source":"lessor","t":0}\n' +
        '{"data":{},"kind":"lease.expired","seq":1,"source":"lessor","t":12}\n',
    );
    expect(sim.trace.digest()).toBe(createHash("sha256").update(jsonl).digest("hex"));
  });

  it("computes the same digest without keeping events", () => {
    let t = 0;
    const kept = new Trace(() => t);
    const light = new Trace(() => t, { keepEvents: false });
    for (let i = 0; i < 100; i++) {
      t = i * 1.5;
      kept.record("x", "tick", { i });
      light.record("x", "tick", { i });
    }
    expect(light.digest()).toBe(kept.digest());
    expect(light.events).toEqual([]);
    expect(light.size).toBe(100);
    expect(() => light.toJsonl()).toThrow(/keepEvents/);
  });

  it("digest() can be called repeatedly while recording continues", () => {
    const trace = new Trace(() => 0);
    const empty = trace.digest();
    expect(empty).toBe(createHash("sha256").update("").digest("hex"));
    trace.record("a", "b");
    const one = trace.digest();
    expect(trace.digest()).toBe(one);
    expect(one).not.toBe(empty);
  });

  it("rejects data it cannot serialise without consuming a seq; notifies subscribers", () => {
    const trace = new Trace(() => 0);
    const seen: string[] = [];
    const unsubscribe = trace.subscribe((event) => seen.push(event.kind));
    expect(() => trace.record("a", "bad", { f: (() => 1) as unknown as string })).toThrow(
      TypeError,
    );
    trace.record("a", "good");
    unsubscribe();
    trace.record("a", "unseen");
    expect(trace.events.map((e) => e.seq)).toEqual([0, 1]);
    expect(seen).toEqual(["good"]);
  });
});

describe("loggerFor", () => {
  it("records log records as log.<level> events with JSON-safe fields", async () => {
    const sim = new Simulation({ seed: 1 });
    const logger = sim.loggerFor("lessor");
    await sim.runFor(5);
    logger.log("warn", "keepalive failed", {
      leaseId: 5n,
      error: new RangeError("bad"),
      nested: { list: [1, undefined, () => 1] },
      skipped: undefined,
    });
    expect(sim.trace.events).toEqual([
      {
        t: 5,
        seq: 0,
        source: "lessor",
        kind: "log.warn",
        data: {
          leaseId: 5n,
          error: "RangeError: bad",
          nested: { list: [1, null, "() => 1"] },
          message: "keepalive failed",
        },
      },
    ]);
    expect(() => sim.trace.toJsonl()).not.toThrow();
  });
});
