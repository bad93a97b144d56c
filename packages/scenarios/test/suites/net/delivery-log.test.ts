import { describe, expect, it } from "vitest";
import { DeliveryLog } from "../../../src/suites/net/delivery-log.js";
import { LinkModel } from "../../../src/suites/net/link-model.js";

const connections = [{ client: "h0", server: "h1" }];

function setup() {
  let now = 0;
  const model = new LinkModel();
  const log = new DeliveryLog(connections, model, () => now);
  return { model, log, at: (t: number) => (now = t) };
}

describe("LinkModel", () => {
  it("tracks partitions (both ways or one way), heals, holds and releases", () => {
    const model = new LinkModel();
    model.apply({ at: 0, kind: "partition", a: "h0", b: "h1", oneWay: false });
    expect(model.blockedBy("h0", "h1")).toBe("partition");
    expect(model.blockedBy("h1", "h0")).toBe("partition");
    model.apply({ at: 1, kind: "heal", a: "h0", b: "h1" });
    expect(model.blockedBy("h0", "h1")).toBeUndefined();
    expect(model.blockedBy("h1", "h0")).toBeUndefined();
    model.apply({ at: 2, kind: "partition", a: "h1", b: "h0", oneWay: true });
    expect(model.blockedBy("h1", "h0")).toBe("partition");
    expect(model.blockedBy("h0", "h1")).toBeUndefined();
    model.apply({ at: 3, kind: "heal", a: "h1", b: "h0" });
    model.apply({ at: 4, kind: "hold", a: "h0", b: "h1" });
    expect(model.blockedBy("h0", "h1")).toBe("hold");
    expect(model.blockedBy("h1", "h0")).toBeUndefined();
    model.apply({ at: 5, kind: "release", a: "h0", b: "h1" });
    expect(model.blockedBy("h0", "h1")).toBeUndefined();
  });
});

describe("DeliveryLog detects every kind of delivery violation", () => {
  it("accepts in-order exactly-once delivery", () => {
    const { log } = setup();
    const m0 = log.nextSend(0, "c2s");
    const m1 = log.nextSend(0, "c2s");
    expect(log.allDelivered()).toBe(false);
    expect(log.missing()).toEqual({ "0:c2s": { sent: 2, received: 0 } });
    log.receive(0, "c2s", m0);
    log.receive(0, "c2s", m1);
    expect(log.allDelivered()).toBe(true);
    expect(log.violations).toEqual([]);
    expect(log.totalSent()).toBe(2);
  });

  it("flags reordering, duplicates and gaps", () => {
    const { log } = setup();
    const m0 = log.nextSend(0, "c2s");
    const m1 = log.nextSend(0, "c2s");
    log.receive(0, "c2s", m1);
    log.receive(0, "c2s", m0);
    log.receive(0, "c2s", m1);
    expect(log.violations.map((v) => v.invariant)).toEqual([
      "net.in-order-exactly-once",
      "net.in-order-exactly-once",
      "net.in-order-exactly-once",
    ]);
  });

  it("flags a message on the wrong stream", () => {
    const { log } = setup();
    const m = log.nextSend(0, "s2c");
    log.receive(0, "c2s", m);
    expect(log.violations[0]?.message).toBe("a message arrived on the wrong stream");
  });

  it("flags a delivery while the plan blocks that direction, not the other one", () => {
    const { log, model, at } = setup();
    const toServer = log.nextSend(0, "c2s");
    const toClient = log.nextSend(0, "s2c");
    model.apply({ at: 0, kind: "hold", a: "h0", b: "h1" });
    at(12);
    log.receive(0, "s2c", toClient);
    expect(log.violations).toEqual([]);
    log.receive(0, "c2s", toServer);
    expect(log.violations).toHaveLength(1);
    expect(log.violations[0]).toMatchObject({
      invariant: "net.no-delivery-while-blocked",
      details: { from: "h0", to: "h1", block: "hold", at: 12, seq: 0 },
    });
  });
});
