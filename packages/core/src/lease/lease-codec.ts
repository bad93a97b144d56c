import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesRequest,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseStatus,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  ResponseHeader,
} from "./lease-messages.js";
import { ProtoWriter, readFields, toInt64, toUint64 } from "./protobuf-wire.js";

/** Encodes and decodes one message type (structurally the same as conn's `Codec`). */
export interface LeaseMessageCodec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

const ttlOf = (value: bigint): number => Number(toInt64(value));

function encodeHeader(h: ResponseHeader): Uint8Array {
  return new ProtoWriter()
    .int64(1, h.clusterId)
    .int64(2, h.memberId)
    .int64(3, h.revision)
    .int64(4, h.raftTerm)
    .finish();
}

function decodeHeader(bytes: Uint8Array): ResponseHeader {
  let clusterId = 0n;
  let memberId = 0n;
  let revision = 0n;
  let raftTerm = 0n;
  for (const f of readFields(bytes)) {
    if (f.wireType !== 0) continue;
    if (f.field === 1) clusterId = toUint64(f.value);
    else if (f.field === 2) memberId = toUint64(f.value);
    else if (f.field === 3) revision = toInt64(f.value);
    else if (f.field === 4) raftTerm = toUint64(f.value);
  }
  return { clusterId, memberId, revision, raftTerm };
}

/** Decodes field numbers into a small bag: varints by number, length-delimited lists by number. */
function bag(bytes: Uint8Array): { v: Map<number, bigint>; b: Map<number, Uint8Array[]> } {
  const v = new Map<number, bigint>();
  const b = new Map<number, Uint8Array[]>();
  for (const f of readFields(bytes)) {
    if (f.wireType === 0) v.set(f.field, f.value);
    else {
      const list = b.get(f.field);
      if (list === undefined) b.set(f.field, [f.value]);
      else list.push(f.value);
    }
  }
  return { v, b };
}

function header(b: Map<number, Uint8Array[]>): ResponseHeader {
  const list = b.get(1);
  return decodeHeader(list?.[list.length - 1] ?? new Uint8Array());
}

/** `LeaseGrantRequest { int64 TTL = 1; int64 ID = 2 }`. */
export const leaseGrantRequestCodec: LeaseMessageCodec<LeaseGrantRequest> = {
  encode: (m) => new ProtoWriter().int64(1, m.TTL).int64(2, m.ID).finish(),
  decode: (bytes) => {
    const { v } = bag(bytes);
    return { TTL: ttlOf(v.get(1) ?? 0n), ID: toInt64(v.get(2) ?? 0n) };
  },
};

/** `LeaseGrantResponse { header = 1; int64 ID = 2; int64 TTL = 3; string error = 4 }`. */
export const leaseGrantResponseCodec: LeaseMessageCodec<LeaseGrantResponse> = {
  encode: (m) =>
    new ProtoWriter()
      .message(1, encodeHeader(m.header))
      .int64(2, m.ID)
      .int64(3, m.TTL)
      .string(4, m.error)
      .finish(),
  decode: (bytes) => {
    const { v, b } = bag(bytes);
    const error = b.get(4)?.[0];
    return {
      header: header(b),
      ID: toInt64(v.get(2) ?? 0n),
      TTL: ttlOf(v.get(3) ?? 0n),
      error: error === undefined ? "" : new TextDecoder().decode(error),
    };
  },
};

/** `LeaseRevokeRequest { int64 ID = 1 }`. */
export const leaseRevokeRequestCodec: LeaseMessageCodec<LeaseRevokeRequest> = {
  encode: (m) => new ProtoWriter().int64(1, m.ID).finish(),
  decode: (bytes) => ({ ID: toInt64(bag(bytes).v.get(1) ?? 0n) }),
};

/** `LeaseRevokeResponse { header = 1 }`. */
export const leaseRevokeResponseCodec: LeaseMessageCodec<LeaseRevokeResponse> = {
  encode: (m) => new ProtoWriter().message(1, encodeHeader(m.header)).finish(),
  decode: (bytes) => ({ header: header(bag(bytes).b) }),
};

/** `LeaseKeepAliveRequest { int64 ID = 1 }`. */
export const leaseKeepAliveRequestCodec: LeaseMessageCodec<LeaseKeepAliveRequest> = {
  encode: (m) => new ProtoWriter().int64(1, m.ID).finish(),
  decode: (bytes) => ({ ID: toInt64(bag(bytes).v.get(1) ?? 0n) }),
};

/** `LeaseKeepAliveResponse { header = 1; int64 ID = 2; int64 TTL = 3 }`. */
export const leaseKeepAliveResponseCodec: LeaseMessageCodec<LeaseKeepAliveResponse> = {
  encode: (m) =>
    new ProtoWriter().message(1, encodeHeader(m.header)).int64(2, m.ID).int64(3, m.TTL).finish(),
  decode: (bytes) => {
    const { v, b } = bag(bytes);
    return { header: header(b), ID: toInt64(v.get(2) ?? 0n), TTL: ttlOf(v.get(3) ?? 0n) };
  },
};

/** `LeaseTimeToLiveRequest { int64 ID = 1; bool keys = 2 }`. */
export const leaseTimeToLiveRequestCodec: LeaseMessageCodec<LeaseTimeToLiveRequest> = {
  encode: (m) => new ProtoWriter().int64(1, m.ID).bool(2, m.keys).finish(),
  decode: (bytes) => {
    const { v } = bag(bytes);
    return { ID: toInt64(v.get(1) ?? 0n), keys: (v.get(2) ?? 0n) !== 0n };
  },
};

/** `LeaseTimeToLiveResponse { header = 1; ID = 2; TTL = 3; grantedTTL = 4; repeated bytes keys = 5 }`. */
export const leaseTimeToLiveResponseCodec: LeaseMessageCodec<LeaseTimeToLiveResponse> = {
  encode: (m) => {
    const w = new ProtoWriter()
      .message(1, encodeHeader(m.header))
      .int64(2, m.ID)
      .int64(3, m.TTL)
      .int64(4, m.grantedTTL);
    for (const key of m.keys) w.bytes(5, key, true);
    return w.finish();
  },
  decode: (bytes) => {
    const { v, b } = bag(bytes);
    return {
      header: header(b),
      ID: toInt64(v.get(2) ?? 0n),
      TTL: ttlOf(v.get(3) ?? 0n),
      grantedTTL: ttlOf(v.get(4) ?? 0n),
      keys: (b.get(5) ?? []).map((k) => k.slice()),
    };
  },
};

/** `LeaseLeasesRequest {}`. */
export const leaseLeasesRequestCodec: LeaseMessageCodec<LeaseLeasesRequest> = {
  encode: () => new Uint8Array(),
  decode: () => ({}),
};

/** `LeaseLeasesResponse { header = 1; repeated LeaseStatus leases = 2 }`, `LeaseStatus { int64 ID = 1 }`. */
export const leaseLeasesResponseCodec: LeaseMessageCodec<LeaseLeasesResponse> = {
  encode: (m) => {
    const w = new ProtoWriter().message(1, encodeHeader(m.header));
    for (const status of m.leases) w.message(2, new ProtoWriter().int64(1, status.ID).finish());
    return w.finish();
  },
  decode: (bytes) => {
    const { b } = bag(bytes);
    const leases: LeaseStatus[] = (b.get(2) ?? []).map((entry) => ({
      ID: toInt64(bag(entry).v.get(1) ?? 0n),
    }));
    return { header: header(b), leases };
  },
};

/** The full method paths of the `etcdserverpb.Lease` service. */
export const LeaseMethod = {
  grant: "/etcdserverpb.Lease/LeaseGrant",
  revoke: "/etcdserverpb.Lease/LeaseRevoke",
  keepAlive: "/etcdserverpb.Lease/LeaseKeepAlive",
  timeToLive: "/etcdserverpb.Lease/LeaseTimeToLive",
  leases: "/etcdserverpb.Lease/LeaseLeases",
} as const;
