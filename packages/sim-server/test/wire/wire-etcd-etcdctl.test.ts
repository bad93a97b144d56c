import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WireEtcd } from "../../src/wire/wire-etcd.js";
import { etcdctl, etcdctlPath, grantedId } from "./etcdctl.js";

describe("wire etcd against the real etcdctl 3.4", () => {
  let wire: WireEtcd;
  let endpoints: string[];

  beforeAll(async () => {
    etcdctlPath();
    wire = await WireEtcd.start({ members: 3, seed: 7 });
    endpoints = [...wire.addresses];
  });
  afterAll(async () => {
    await wire?.close();
  });

  it("binds one real port per member", () => {
    expect(endpoints).toHaveLength(3);
    for (const address of endpoints) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(new Set(endpoints).size).toBe(3);
  });

  it("grant, keep-alive --once, timetolive --keys, list, revoke", async () => {
    const granted = await etcdctl(endpoints, ["lease", "grant", "10"]);
    expect(granted.code, granted.stderr).toBe(0);
    const id = grantedId(granted.stdout);
    expect(granted.stdout).toContain("granted with TTL(10s)");
    expect(wire.cluster.hasLease(BigInt(`0x${id}`))).toBe(true);

    const kept = await etcdctl(endpoints, ["lease", "keep-alive", "--once", id]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toContain(`lease ${id} keepalived with TTL(10)`);

    const ttl = await etcdctl(endpoints, ["lease", "timetolive", "--keys", id]);
    expect(ttl.code, ttl.stderr).toBe(0);
    expect(ttl.stdout).toMatch(
      new RegExp(
        `lease ${id} granted with TTL\\(10s\\), remaining\\((9|10)s\\), attached keys\\(\\[\\]\\)`,
      ),
    );

    const list = await etcdctl(endpoints, ["lease", "list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("found 1 leases");
    expect(list.stdout).toContain(id);

    const revoked = await etcdctl(endpoints, ["lease", "revoke", id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`lease ${id} revoked`);
    expect(wire.cluster.leaseCount).toBe(0);

    const again = await etcdctl(endpoints, ["lease", "revoke", id]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("etcdserver: requested lease not found");

    const gone = await etcdctl(endpoints, ["lease", "timetolive", id]);
    expect(gone.code, gone.stderr).toBe(0);
    expect(gone.stdout).toContain(`lease ${id} already expired`);

    const once = await etcdctl(endpoints, ["lease", "keep-alive", "--once", id]);
    expect(once.code).not.toBe(0);
    expect(once.stderr).toContain("requested lease not found");
  });

  it("raises a TTL below the minimum to 2 s and rejects a TTL above 9e9", async () => {
    const small = await etcdctl(endpoints, ["lease", "grant", "1"]);
    expect(small.code, small.stderr).toBe(0);
    expect(small.stdout).toContain("granted with TTL(2s)");
    const big = await etcdctl(endpoints, ["lease", "grant", "9000000001"]);
    expect(big.code).not.toBe(0);
    expect(big.stderr).toContain("etcdserver: too large lease TTL");
    await etcdctl(endpoints, ["lease", "revoke", grantedId(small.stdout)]);
  });

  it("talks to a follower too (the follower forwards to the leader)", async () => {
    const leader = wire.cluster.leaderIndex ?? 0;
    const follower = endpoints[(leader + 1) % endpoints.length] ?? "";
    const granted = await etcdctl([follower], ["lease", "grant", "30"]);
    expect(granted.code, granted.stderr).toBe(0);
    const id = grantedId(granted.stdout);
    const kept = await etcdctl([follower], ["lease", "keep-alive", "--once", id]);
    expect(kept.stdout).toContain("keepalived with TTL(30)");
    await etcdctl([follower], ["lease", "revoke", id]);
  });

  it("answers `etcdserver: no leader` during a quorum loss, and recovers after it", async () => {
    wire.applyFault({ kind: "quorum-loss", durationMs: 2500 });
    // etcdctl retries UNAVAILABLE until its command timeout; each retry logs etcd's message.
    const during = await etcdctl(
      [endpoints[0] ?? ""],
      ["--command-timeout=1s", "lease", "grant", "10"],
    );
    expect(during.code).not.toBe(0);
    expect(during.stderr).toContain("etcdserver: no leader");
    // The election after healing takes 1–2 election timeouts of (driven) virtual time.
    const deadline = Date.now() + 8000;
    let after = await etcdctl(endpoints, ["lease", "grant", "10"]);
    while (after.code !== 0 && Date.now() < deadline) {
      after = await etcdctl(endpoints, ["lease", "grant", "10"]);
    }
    expect(after.code, after.stderr).toBe(0);
    await etcdctl(endpoints, ["lease", "revoke", grantedId(after.stdout)]);
    expect(wire.driverError).toBeUndefined();
  });
});
