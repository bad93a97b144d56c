import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  leaseGrantRequestCodec,
  leaseGrantResponseCodec,
  leaseKeepAliveRequestCodec,
  leaseKeepAliveResponseCodec,
  leaseLeasesResponseCodec,
  leaseRevokeRequestCodec,
  leaseRevokeResponseCodec,
  leaseTimeToLiveRequestCodec,
  leaseTimeToLiveResponseCodec,
} from "../../src/lease/index.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const ttl = fc.integer({ min: -1, max: 9_000_000_000 });
const headerArb = fc.record({
  clusterId: uint64,
  memberId: uint64,
  revision: int64,
  raftTerm: uint64,
});

describe("lease protobuf codec", () => {
  it("matches protoc's bytes for known messages", () => {
    expect(hex(leaseGrantRequestCodec.encode({ TTL: 5, ID: 0n }))).toBe("0805");
    expect(hex(leaseGrantRequestCodec.encode({ TTL: 300, ID: 1n }))).toBe("08ac021001");
    expect(hex(leaseKeepAliveRequestCodec.encode({ ID: 0x694d77aa0bd5a3an }))).toBe(
      "08bab4f585aaefb5ca06",
    );
    // TTL −1 (TimeToLive of an unknown lease) is a ten-byte two's-complement varint.
    const unknown = leaseTimeToLiveResponseCodec.encode({
      header: { clusterId: 0n, memberId: 0n, revision: 0n, raftTerm: 0n },
      ID: 7n,
      TTL: -1,
      grantedTTL: 0,
      keys: [],
    });
    expect(hex(unknown)).toBe("0a00100718ffffffffffffffffff01");
    expect(hex(leaseTimeToLiveRequestCodec.encode({ ID: 1n, keys: true }))).toBe("08011001");
  });

  it("skips unknown fields and rejects truncated input", () => {
    // ID = 3, then an unknown fixed32 field 9 and an unknown string field 10.
    const bytes = Uint8Array.from([0x08, 0x03, 0x4d, 1, 2, 3, 4, 0x52, 0x01, 0x41]);
    expect(leaseKeepAliveRequestCodec.decode(bytes)).toEqual({ ID: 3n });
    expect(() => leaseKeepAliveRequestCodec.decode(Uint8Array.from([0x08, 0x80]))).toThrow(
      RangeError,
    );
    expect(() => leaseGrantResponseCodec.decode(Uint8Array.from([0x0a, 0x05, 0x08]))).toThrow(
      RangeError,
    );
  });

  it("reads a keep-alive response as protobuf does: last value wins, other wire types skipped", () => {
    const bytes = Uint8Array.from([
      // header { cluster_id: 1, member_id: 2^64 - 1 (ten bytes), revision: 5, raft_term: 7 }
      0x0a, 0x11, 0x08, 0x01, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
      0x18, 0x05, 0x20, 0x07,
      // ID = 9, then ID = 300 (the last one wins)
      0x10, 0x09, 0x10, 0xac, 0x02,
      // field 2 again, but length-delimited: not the int64 ID, skipped
      0x12, 0x01, 0x63,
      // TTL = -1 as a ten-byte varint
      0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
      // unknown fixed64 field 9 and fixed32 field 10
      0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x55, 1, 2, 3, 4,
    ]);
    expect(leaseKeepAliveResponseCodec.decode(bytes)).toEqual({
      header: { clusterId: 1n, memberId: 2n ** 64n - 1n, revision: 5n, raftTerm: 7n },
      ID: 300n,
      TTL: -1,
    });
    expect(leaseKeepAliveResponseCodec.decode(new Uint8Array(0))).toEqual({
      header: { clusterId: 0n, memberId: 0n, revision: 0n, raftTerm: 0n },
      ID: 0n,
      TTL: 0,
    });
  });

  it("reuses the decoded header while consecutive keep-alive responses carry the same one", () => {
    const header = { clusterId: 2n ** 64n - 2n, memberId: 9n, revision: 42n, raftTerm: 3n };
    const a = leaseKeepAliveResponseCodec.encode({ header, ID: 1n, TTL: 10 });
    const b = leaseKeepAliveResponseCodec.encode({ header, ID: 2n, TTL: 10 });
    const first = leaseKeepAliveResponseCodec.decode(a);
    const second = leaseKeepAliveResponseCodec.decode(b);
    expect(second).toEqual({ header, ID: 2n, TTL: 10 });
    expect(second.header).toBe(first.header);
    expect(Object.isFrozen(second.header)).toBe(true);
    // The cached copy is not a view: a reused receive buffer cannot change it.
    a.fill(0);
    const moved = { ...header, revision: 43n };
    const third = leaseKeepAliveResponseCodec.decode(
      leaseKeepAliveResponseCodec.encode({ header: moved, ID: 3n, TTL: 10 }),
    );
    expect(third.header).toEqual(moved);
    expect(leaseKeepAliveResponseCodec.decode(b).header).toEqual(header);
  });

  it("rejects over-long varints, field 0 and truncated fixed-width fields", () => {
    const eleven = [0x10, ...Array.from({ length: 10 }, () => 0xff), 0x01];
    expect(() => leaseKeepAliveResponseCodec.decode(Uint8Array.from(eleven))).toThrow(
      /varint too long/,
    );
    expect(() => leaseKeepAliveResponseCodec.decode(Uint8Array.from([0x00, 0x01]))).toThrow(
      /field number 0/,
    );
    expect(() => leaseKeepAliveResponseCodec.decode(Uint8Array.from([0x49, 1, 2]))).toThrow(
      /truncated fixed-width/,
    );
    expect(() => leaseKeepAliveResponseCodec.decode(Uint8Array.from([0x0b]))).toThrow(
      /unsupported wire type 3/,
    );
  });

  it("encodes a negative lease ID in keep-alive and revoke requests as ten bytes", () => {
    expect(hex(leaseKeepAliveRequestCodec.encode({ ID: -1n }))).toBe("08ffffffffffffffffff01");
    expect(hex(leaseRevokeRequestCodec.encode({ ID: 2n ** 63n - 1n }))).toBe(
      "08ffffffffffffffff7f",
    );
    expect(leaseKeepAliveRequestCodec.encode({ ID: 0n })).toHaveLength(0);
  });

  it("round-trips every message", () => {
    fc.assert(
      fc.property(
        headerArb,
        int64,
        ttl,
        ttl,
        fc.string(),
        fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 4 }),
        fc.array(int64, { maxLength: 5 }),
        (header, ID, TTL, grantedTTL, error, keys, ids) => {
          expect(leaseGrantRequestCodec.decode(leaseGrantRequestCodec.encode({ TTL, ID }))).toEqual(
            {
              TTL,
              ID,
            },
          );
          const grant = { header, ID, TTL, error };
          expect(leaseGrantResponseCodec.decode(leaseGrantResponseCodec.encode(grant))).toEqual(
            grant,
          );
          expect(
            leaseKeepAliveRequestCodec.decode(leaseKeepAliveRequestCodec.encode({ ID })),
          ).toEqual({ ID });
          expect(leaseRevokeRequestCodec.decode(leaseRevokeRequestCodec.encode({ ID }))).toEqual({
            ID,
          });
          const ka = { header, ID, TTL };
          expect(
            leaseKeepAliveResponseCodec.decode(leaseKeepAliveResponseCodec.encode(ka)),
          ).toEqual(ka);
          const ttlResponse = { header, ID, TTL, grantedTTL, keys };
          expect(
            leaseTimeToLiveResponseCodec.decode(leaseTimeToLiveResponseCodec.encode(ttlResponse)),
          ).toEqual(ttlResponse);
          const leases = { header, leases: ids.map((i) => ({ ID: i })) };
          expect(leaseLeasesResponseCodec.decode(leaseLeasesResponseCodec.encode(leases))).toEqual(
            leases,
          );
          expect(
            leaseRevokeResponseCodec.decode(leaseRevokeResponseCodec.encode({ header })),
          ).toEqual({
            header,
          });
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
