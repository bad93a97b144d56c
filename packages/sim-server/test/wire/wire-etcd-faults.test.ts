import { GrpcCode } from "@dsim/core";
import { afterEach, describe, expect, it } from "vitest";
import { parseEtcdWireFault } from "../../src/wire/etcd-wire-fault.js";
import { isWireError } from "../../src/wire/wire-error.js";
import { WireEtcd } from "../../src/wire/wire-etcd.js";
import { grant, keepAliveStream, leaseClient } from "./lease-grpc-client.js";
import { waitFor } from "./wait-for.js";

describe("wire etcd faults, seen by a real grpc-js client", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  // A 300 ms election timeout keeps elections and etcd's 3-timeout no-leader monitor short.
  async function start(members: 1 | 3 = 1) {
    const wire = await WireEtcd.start({ members, seed: 3, electionTimeoutMs: 300 });
    cleanup.push(() => wire.close());
    const client = leaseClient(wire.addresses[0] ?? "");
    cleanup.push(() => client.close());
    return { wire, client };
  }

  it("drops the next `count` keep-alive responses, then answers again", async () => {
    const { wire, client } = await start();
    const id = (await grant(client, 30)).value?.ID as bigint;
    expect(typeof id).toBe("bigint");
    wire.applyFault(parseEtcdWireFault({ kind: "drop-keepalive-responses", count: 1 }));
    const ka = keepAliveStream(client, true);
    cleanup.push(() => ka.call.cancel());
    ka.call.write({ ID: id });
    ka.call.write({ ID: id });
    await waitFor("one response", () => ka.responses.length === 1);
    expect(wire.status().dropKeepAliveResponses).toBe(0);
    ka.call.write({ ID: id });
    await waitFor("a second response", () => ka.responses.length === 2);
    expect(ka.responses.map((r) => r.TTL)).toEqual([30, 30]);
  });

  it("delays every answer until cleared", async () => {
    const { wire, client } = await start();
    wire.applyFault(parseEtcdWireFault({ kind: "delay", ms: 250 }));
    // Judged on the driven (virtual) clock: virtual time never runs ahead of the request, so the
    // answer cannot leave before 250 virtual ms; wall-clock gaps depend on the machine's load.
    const sentAt = wire.sim.now();
    const slow = await grant(client, 10);
    expect(slow.value?.TTL).toBe(10);
    expect(wire.sim.now() - sentAt).toBeGreaterThanOrEqual(250);
    expect(wire.status().delayMs).toBe(250);
    wire.clearFaults();
    expect(wire.status().delayMs).toBe(0);
    expect((await grant(client, 10)).value?.TTL).toBe(10);
  });

  it("ends require-leader streams with UNAVAILABLE `etcdserver: no leader` after a quorum loss", async () => {
    const { wire, client } = await start(3);
    const id = (await grant(client, 60)).value?.ID as bigint;
    const required = keepAliveStream(client, true);
    const plain = keepAliveStream(client, false);
    cleanup.push(
      () => required.call.cancel(),
      () => plain.call.cancel(),
    );
    required.call.write({ ID: id });
    plain.call.write({ ID: id });
    await waitFor(
      "both streams answered",
      () => required.responses.length === 1 && plain.responses.length === 1,
    );
    wire.applyFault(parseEtcdWireFault({ kind: "quorum-loss", durationMs: 5000 }));
    // etcd's monitor ends require-leader streams after about 3 election timeouts.
    await waitFor("the require-leader stream to end", () => required.state.ended, 3000);
    expect(required.state.error?.code).toBe(GrpcCode.UNAVAILABLE);
    expect(required.state.error?.details).toBe("etcdserver: no leader");
    expect(plain.state.ended).toBe(false);
  });

  it("GOAWAY drains the connection; the client reconnects and calls work again", async () => {
    const { wire, client } = await start();
    const id = (await grant(client, 60)).value?.ID as bigint;
    const ka = keepAliveStream(client, true);
    cleanup.push(() => ka.call.cancel());
    ka.call.write({ ID: id });
    await waitFor("a response", () => ka.responses.length === 1);
    wire.applyFault(parseEtcdWireFault({ kind: "goaway", graceMs: 100 }));
    await waitFor("the stream to end after the grace period", () => ka.state.ended, 3000);
    const again = await grant(client, 10);
    expect(again.error).toBeUndefined();
    expect(again.value?.TTL).toBe(10);
  });

  it("end-streams ends open keep-alive streams with UNAVAILABLE and the given message", async () => {
    const { wire, client } = await start();
    const id = (await grant(client, 60)).value?.ID as bigint;
    const ka = keepAliveStream(client, false);
    cleanup.push(() => ka.call.cancel());
    ka.call.write({ ID: id });
    await waitFor("a response", () => ka.responses.length === 1);
    wire.applyFault(parseEtcdWireFault({ kind: "end-streams", message: "injected" }));
    await waitFor("the stream to end", () => ka.state.ended);
    expect(ka.state.error?.code).toBe(GrpcCode.UNAVAILABLE);
    expect(ka.state.error?.details).toBe("injected");
    expect(wire.cluster.openSessions()).toBe(0);
  });

  it("a leader loss elects a new leader and grants work again", async () => {
    const { wire } = await start(3);
    const before = wire.cluster.term;
    const old = wire.cluster.leaderIndex;
    wire.applyFault(parseEtcdWireFault({ kind: "leader-loss", durationMs: 2000 }));
    await waitFor(
      "a new leader",
      () => wire.cluster.leaderIndex !== undefined && wire.cluster.leaderIndex !== old,
      4000,
    );
    expect(wire.cluster.term).toBeGreaterThan(before);
    // Member 0 may be the isolated old leader; ask the new one.
    const other = leaseClient(wire.addresses[wire.cluster.leaderIndex ?? 0] ?? "");
    cleanup.push(() => other.close());
    expect((await grant(other, 10)).value?.TTL).toBe(10);
  });

  it("rejects bad faults with BAD_FAULT and refuses faults after close", async () => {
    for (const bad of [
      undefined,
      [],
      { kind: "x" },
      { kind: "leader-loss" },
      { kind: "member-restart", member: -1, downMs: 5 },
      { kind: "end-streams", message: 3 },
    ]) {
      let caught: unknown;
      try {
        parseEtcdWireFault(bad);
      } catch (error) {
        caught = error;
      }
      expect(isWireError(caught, "BAD_FAULT"), JSON.stringify(bad)).toBe(true);
    }
    const { wire } = await start();
    await wire.close();
    expect(() => wire.applyFault({ kind: "leader-change" })).toThrow(
      expect.objectContaining({ code: "CLOSED" }),
    );
  });
});
