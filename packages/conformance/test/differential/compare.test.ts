import { describe, expect, it } from "vitest";
import { agree } from "./compare.js";
import type { LeaseOp, Outcome } from "./lease-ops.js";

const ttlOp: LeaseOp = { op: "timeToLive", id: { ref: 0 }, keys: false };
const grantOp: LeaseOp = { op: "grant", ttl: 10, id: "auto" };
const ok = (body: Record<string, unknown>): Outcome => ({ code: 0, details: "", body });

describe("the differential comparison can fail", () => {
  it("agrees on identical outcomes and tolerates 1 s of remaining TTL", () => {
    const a = ok({ ID: "L0", TTL: 9, grantedTTL: 10, keys: 0 });
    expect(agree(ttlOp, a, a)).toBe(true);
    expect(agree(ttlOp, a, ok({ ID: "L0", TTL: 8, grantedTTL: 10, keys: 0 }))).toBe(true);
  });

  it("rejects a remaining TTL 2 s off, a different granted TTL, name, code or message", () => {
    const a = ok({ ID: "L0", TTL: 9, grantedTTL: 10, keys: 0 });
    expect(agree(ttlOp, a, ok({ ID: "L0", TTL: 7, grantedTTL: 10, keys: 0 }))).toBe(false);
    expect(agree(ttlOp, a, ok({ ID: "L0", TTL: 9, grantedTTL: 11, keys: 0 }))).toBe(false);
    const expiring = ok({ ID: "L0", TTL: 0, grantedTTL: 2, keys: 0 });
    expect(agree(ttlOp, expiring, ok({ ID: "L0", TTL: -1, grantedTTL: 2, keys: 0 }))).toBe(false);
    expect(agree(ttlOp, a, ok({ ID: "L1", TTL: 9, grantedTTL: 10, keys: 0 }))).toBe(false);
    const notFound: Outcome = {
      code: 5,
      details: "etcdserver: requested lease not found",
      body: null,
    };
    expect(agree(grantOp, notFound, { ...notFound, code: 14 })).toBe(false);
    expect(agree(grantOp, notFound, { ...notFound, details: "lease not found" })).toBe(false);
    expect(agree(grantOp, notFound, ok({}))).toBe(false);
    expect(
      agree(grantOp, ok({ ID: "L0", TTL: 10, error: "" }), ok({ ID: "L0", TTL: 2, error: "" })),
    ).toBe(false);
  });
});
