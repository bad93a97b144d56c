import { describe, expect, it } from "vitest";
import { etcdctl, etcdctlBinary, runDsim, startServe } from "./serve-process.js";

describe("pnpm dsim serve (spawned), with real clients", () => {
  it("serve etcd --members 3: etcdctl works, the control API injects faults, SIGTERM exits 0", async () => {
    etcdctlBinary();
    const serve = await startServe(["etcd", "--members", "3", "--seed", "5"]);
    try {
      const endpoints = serve.lines.get("endpoints") ?? "";
      const control = serve.lines.get("control") ?? "";
      expect(endpoints.split(",")).toHaveLength(3);
      expect(serve.lines.get("member 2")).toMatch(/^127\.0\.0\.1:\d+$/);
      const granted = await etcdctl(endpoints, ["lease", "grant", "20"]);
      expect(granted.code, granted.stderr).toBe(0);
      const id = /lease ([0-9a-f]+) granted/.exec(granted.stdout)?.[1] ?? "";
      const kept = await etcdctl(endpoints, ["lease", "keep-alive", "--once", id]);
      expect(kept.stdout).toContain("keepalived with TTL(20)");

      const before = (await (await fetch(`${control}/status`)).json()) as {
        term: string;
        leases: number;
      };
      expect(before.leases).toBe(1);
      const applied = await fetch(`${control}/faults`, {
        method: "POST",
        body: JSON.stringify({ kind: "leader-change" }),
      });
      expect(applied.status).toBe(200);
      await applied.text();
      const after = (await (await fetch(`${control}/status`)).json()) as { term: string };
      expect(BigInt(after.term)).toBeGreaterThan(BigInt(before.term));
      const bad = await fetch(`${control}/faults`, { method: "POST", body: '{"kind":"nope"}' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toContain("unknown etcd fault kind");
      const list = await etcdctl(endpoints, ["lease", "list"]);
      expect(list.stdout).toContain(id);
    } finally {
      expect(await serve.stop("SIGTERM")).toBe(0);
    }
    expect(serve.stderr()).toContain("SIGTERM, shutting down");
  });

  it("serve http: real fetch gets the JWKS, a 5xx fault applies, SIGINT exits 0", async () => {
    const serve = await startServe(["http", "--max-age", "30"]);
    try {
      const url = serve.lines.get("url") ?? "";
      const control = serve.lines.get("control") ?? "";
      const ok = await fetch(url);
      expect(ok.status).toBe(200);
      expect(ok.headers.get("cache-control")).toBe("max-age=30");
      expect(((await ok.json()) as { keys: unknown[] }).keys).toHaveLength(1);
      const applied = await fetch(`${control}/faults`, {
        method: "POST",
        body: JSON.stringify({ kind: "status", status: 502, count: 1 }),
      });
      expect(applied.status).toBe(200);
      await applied.text();
      const failed = await fetch(url);
      expect(failed.status).toBe(502);
      await failed.text();
      const healed = await fetch(url);
      expect(healed.status).toBe(200);
      await healed.text();
    } finally {
      expect(await serve.stop("SIGINT")).toBe(0);
    }
  });

  it("exits 2 on usage errors", async () => {
    const bad = await runDsim(["serve", "redis"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected "etcd" or "http"');
  });
});
