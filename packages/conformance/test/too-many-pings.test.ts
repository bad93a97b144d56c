import type { LogFields, Logger } from "@dsim/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EtcdCluster } from "./helpers/etcd-cluster.js";
import { drain, eventually, lessorStack } from "./helpers/lessor-stack.js";

// A real GOAWAY from a real server: etcd with its default --grpc-keepalive-min-time=5s answers
// core's 1 s keepalive pings with GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings"). The node:http2
// adapter must report it with its code and debug text, the channel must double its keepalive
// interval, and the lessor must carry the lease over to the next connection.

let cluster: EtcdCluster;

beforeAll(async () => {
  cluster = await EtcdCluster.start({ size: 1, keepaliveMinTime: "5s" });
});

afterAll(async () => {
  await cluster?.close();
});

describe("GOAWAY(too_many_pings) from a real etcd", () => {
  it("is reported through the http2 adapter, doubles the keepalive interval, keeps the lease", async () => {
    const records: { at: number; message: string; fields: LogFields }[] = [];
    const logger: Logger = {
      log: (_level, message, fields = {}) => {
        records.push({ at: Date.now(), message, fields });
      },
    };
    await using stack = lessorStack(cluster.clientAddresses, { logger });
    // TTL 30: a renewal every 10 s. grpc-go forgives pings after any DATA it sent, so the
    // strikes (more than 2 pings within 5 s) only add up in the quiet gaps between renewals.
    const granted = await stack.lessor.grant(30);
    const subscription = stack.lessor.keepAlive(granted.ID);
    const seen = drain(subscription);
    const goaway = () => records.find((r) => r.message === "subchannel goaway");
    expect(await eventually(() => goaway() !== undefined, 20_000)).toBe(true);
    expect(goaway()?.fields).toMatchObject({ code: 0xb, debug: "too_many_pings" });
    const doubled = records.find((r) => r.message === "too_many_pings: keepalive interval doubled");
    expect(doubled?.fields).toEqual({ keepaliveTimeMs: 2000 });
    const goawayAt = goaway()?.at ?? 0;
    console.info(
      `[conformance] too_many_pings GOAWAY ${goawayAt - (seen.responses[0]?.at ?? goawayAt)} ms after the first renewal`,
    );
    expect(await eventually(() => seen.after(goawayAt) >= 1, 15_000)).toBe(true);
    expect(subscription.closed).toBe(false);
    expect((await stack.lessor.timeToLive(granted.ID)).TTL).toBeGreaterThan(0);
    subscription.cancel();
    await seen.done;
    await stack.lessor.revoke(granted.ID);
  });
});
