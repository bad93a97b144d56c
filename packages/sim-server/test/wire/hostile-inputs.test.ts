import { afterEach, describe, expect, it } from "vitest";
import { ControlServer, type ControlTarget } from "../../src/wire/control-server.js";
import { parseEtcdWireFault } from "../../src/wire/etcd-wire-fault.js";
import { parseHttpWireFault } from "../../src/wire/http-wire-fault.js";
import { WireEtcd } from "../../src/wire/wire-etcd.js";
import { WireHttp } from "../../src/wire/wire-http.js";
import { waitFor } from "./wait-for.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A fetch that gives up after 5 s of wall time, so a wedged fake fails the test, not hangs it. */
function bounded(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
}

async function http(): Promise<{ wire: WireHttp; control: ControlServer; errors: string[] }> {
  const errors: string[] = [];
  const wire = await WireHttp.start({ onDriverError: (error) => errors.push(error.message) });
  cleanup.push(() => wire.close());
  const control = await ControlServer.start({
    target: {
      applyFault: (input) => wire.applyFault(parseHttpWireFault(input)),
      clearFaults: () => wire.clearFaults(),
      status: () => wire.status(),
    },
  });
  cleanup.push(() => control.close());
  return { wire, control, errors };
}

async function etcd(members: 1 | 3 = 3): Promise<{ wire: WireEtcd; control: ControlServer }> {
  const wire = await WireEtcd.start({ members, seed: 3, electionTimeoutMs: 300 });
  cleanup.push(() => wire.close());
  const control = await ControlServer.start({
    target: {
      applyFault: (input) => wire.applyFault(parseEtcdWireFault(input)),
      clearFaults: () => wire.clearFaults(),
      status: () => wire.status(),
    },
  });
  cleanup.push(() => control.close());
  return { wire, control };
}

async function post(
  control: ControlServer,
  fault: unknown,
): Promise<{ status: number; body: { error?: string } }> {
  const res = await bounded(`${control.url}/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
  return { status: res.status, body: (await res.json()) as { error?: string } };
}

const LIMIT = 2 ** 31 - 1;

/** A table row with a short title: some faults carry values too long to print. */
function titled(row: readonly [object, RegExp, string?]): [string, object, RegExp] {
  const [fault, pattern, title] = row;
  return [title ?? JSON.stringify(fault), fault, pattern];
}

describe("wire http: every fault field is validated", () => {
  it.each(
    (
      [
        [{ kind: "oversized", bytes: 1e15 }, /bytes/],
        [{ kind: "oversized", bytes: 2 ** 30 }, /bytes/],
        [{ kind: "delay", ms: 1e308 }, /ms/],
        [{ kind: "delay", ms: LIMIT + 1 }, /ms/],
        [{ kind: "delay", ms: 1.5 }, /ms/],
        [{ kind: "delay", ms: "10" }, /ms/],
        [{ kind: "slow-body", chunks: 1e9, chunkDelayMs: 1 }, /chunks/],
        [{ kind: "slow-body", chunks: 2, chunkDelayMs: 3e9 }, /chunkDelayMs/],
        [{ kind: "status", status: 99 }, /status/],
        [{ kind: "status", status: 600 }, /status/],
        [{ kind: "status" }, /status/],
        [{ kind: "drop", count: 0 }, /count/],
        [{ kind: "drop", count: 1e300 }, /count/],
        [
          { kind: "headers", set: { "x-a": ["b".repeat(9_000)] } },
          /set/,
          "headers: a 9 000-character value",
        ],
        [{ kind: "headers", set: { "bad name": ["v"] } }, /set/],
      ] as (readonly [object, RegExp, string?])[]
    ).map(titled),
  )("POST %s is a 400 naming the field", async (_title, fault, pattern) => {
    const { control } = await http();
    const { status, body } = await post(control, fault);
    expect(status).toBe(400);
    expect(body.error).toMatch(pattern);
  });

  it("after a refused oversized fault, GETs still work", async () => {
    const { wire, control } = await http();
    expect((await post(control, { kind: "oversized", bytes: 1e15 })).status).toBe(400);
    const res = await bounded(wire.url);
    expect(res.status).toBe(200);
    await res.text();
  });

  it("the largest oversized body is served and the fake stays alive", async () => {
    const { wire, control } = await http();
    expect(
      (await post(control, { kind: "oversized", bytes: 16 * 1024 * 1024, count: 1 })).status,
    ).toBe(200);
    const big = await bounded(wire.url);
    expect((await big.arrayBuffer()).byteLength).toBe(16 * 1024 * 1024);
    const next = await bounded(wire.url);
    expect(next.status).toBe(200);
    await next.text();
  });
});

describe("wire: a driver error is reported and the fake recovers", () => {
  it("reports the error in /status and to onDriverError; later GETs work", async () => {
    const { wire, control, errors } = await http();
    wire.sim.clockFor("hostile").setTimeout(() => {
      throw new Error("boom from a timer");
    }, 1);
    await waitFor("the driver error", () => errors.length > 0, 3000);
    expect(errors[0]).toContain("boom from a timer");
    const status = (await (await bounded(`${control.url}/status`)).json()) as {
      driverError: string | null;
    };
    expect(status.driverError).toContain("boom from a timer");
    const res = await bounded(wire.url);
    expect(res.status).toBe(200);
    await res.text();
  });
});

describe("wire etcd: every fault field is validated", () => {
  it.each(
    (
      [
        [{ kind: "member-restart", member: 7, downMs: 10 }, /member 7/],
        [{ kind: "member-restart", member: 3, downMs: 10 }, /member 3/],
        [{ kind: "member-restart", member: 0, downMs: LIMIT + 1 }, /downMs/],
        [{ kind: "leader-loss", durationMs: 1e308 }, /durationMs/],
        [{ kind: "quorum-loss", durationMs: LIMIT + 1 }, /durationMs/],
        [{ kind: "delay", ms: 3_000_000_000 }, /ms/],
        [{ kind: "goaway", graceMs: 1e12 }, /graceMs/],
        [{ kind: "drop-keepalive-responses", count: 1e300 }, /count/],
        [
          { kind: "end-streams", message: "m".repeat(10_000) },
          /message/,
          "end-streams: a 10 000-character message",
        ],
      ] as (readonly [object, RegExp, string?])[]
    ).map(titled),
  )("POST %s is a 400 naming the field", async (_title, fault, pattern) => {
    const { control } = await etcd();
    const { status, body } = await post(control, fault);
    expect(status).toBe(400);
    expect(body.error).toMatch(pattern);
  });
});

describe("wire etcd: DELETE /faults clears every fault", () => {
  it("a leader loss is healed at once and reported as cleared", async () => {
    const { wire, control } = await etcd(3);
    await waitFor("a leader", () => wire.cluster.leaderIndex !== undefined, 4000);
    expect((await post(control, { kind: "leader-loss", durationMs: 600_000 })).status).toBe(200);
    expect(wire.cluster.members().some((m) => m.isolated)).toBe(true);
    await post(control, { kind: "member-restart", member: 1, downMs: 600_000 });
    await post(control, { kind: "delay", ms: 50 });
    const res = await bounded(`${control.url}/faults`, { method: "DELETE" });
    const body = (await res.json()) as { ok: boolean; cleared: string[] };
    expect(body.ok).toBe(true);
    const cleared = body.cleared.join("; ");
    expect(cleared).toMatch(/isolation of member/);
    expect(cleared).toMatch(/restart of member 1/);
    expect(cleared).toMatch(/delay/);
    expect(wire.cluster.members().every((m) => m.up && !m.isolated)).toBe(true);
    expect(wire.status().delayMs).toBe(0);
  });

  it("ControlServer passes what the target cleared on", async () => {
    const target: ControlTarget = {
      applyFault: () => {},
      clearFaults: () => ["a", "b"],
      status: () => ({}),
    };
    const control = await ControlServer.start({ target });
    cleanup.push(() => control.close());
    const res = await bounded(`${control.url}/faults`, { method: "DELETE" });
    expect(await res.json()).toEqual({ ok: true, cleared: ["a", "b"] });
  });
});
