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
import {
  encodeSingleInt64,
  ProtoReader,
  ProtoWriter,
  readFields,
  toInt64,
  toUint64,
} from "./protobuf-wire.js";

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

// Keys (`field << 3 | wireType`) of the varint and length-delimited fields read below.
const VARINT_1 = 0x08;
const VARINT_2 = 0x10;
const VARINT_3 = 0x18;
const VARINT_4 = 0x20;
const BYTES_1 = 0x0a;

const NO_BYTES = new Uint8Array(0);

function decodeHeader(bytes: Uint8Array): ResponseHeader {
  let clusterId = 0n;
  let memberId = 0n;
  let revision = 0n;
  let raftTerm = 0n;
  const reader = new ProtoReader(bytes);
  while (!reader.done) {
    const key = reader.next();
    if (key === VARINT_1) clusterId = toUint64(reader.varint());
    else if (key === VARINT_2) memberId = toUint64(reader.varint());
    else if (key === VARINT_3) revision = toInt64(reader.varint());
    else if (key === VARINT_4) raftTerm = toUint64(reader.varint());
    else reader.skip(key & 7);
  }
  return { clusterId, memberId, revision, raftTerm };
}

/**
 * The header of the last keep-alive response decoded, with a copy of its bytes: renewals answered
 * by one member carry the same header until the cluster's revision or term moves, so most
 * responses reuse it (frozen, as headers are never mutated) instead of decoding four varints into
 * bigints again.
 */
let lastHeaderBytes: Uint8Array = NO_BYTES;
let lastHeader: ResponseHeader = Object.freeze(decodeHeader(NO_BYTES));

function keepAliveHeader(bytes: Uint8Array): ResponseHeader {
  const last = lastHeaderBytes;
  if (bytes.length === last.length) {
    let same = true;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== last[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastHeader;
  }
  const header = Object.freeze(decodeHeader(bytes));
  lastHeaderBytes = bytes.slice();
  lastHeader = header;
  return header;
}

/** A message whose only field is `int64 ID = 1` (keep-alive and revoke requests). */
function decodeIdOnly(bytes: Uint8Array): { ID: bigint } {
  let id = 0n;
  const reader = new ProtoReader(bytes);
  while (!reader.done) {
    const key = reader.next();
    if (key === VARINT_1) id = reader.varint();
    else reader.skip(key & 7);
  }
  return { ID: toInt64(id) };
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
  return decodeHeader(list?.[list.length - 1] ?? NO_BYTES);
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
  encode: (m) => encodeSingleInt64(1, m.ID),
  decode: decodeIdOnly,
};

/** `LeaseRevokeResponse { header = 1 }`. */
export const leaseRevokeResponseCodec: LeaseMessageCodec<LeaseRevokeResponse> = {
  encode: (m) => new ProtoWriter().message(1, encodeHeader(m.header)).finish(),
  decode: (bytes) => ({ header: header(bag(bytes).b) }),
};

/** `LeaseKeepAliveRequest { int64 ID = 1 }`: sent once per renewal, so written directly. */
export const leaseKeepAliveRequestCodec: LeaseMessageCodec<LeaseKeepAliveRequest> = {
  encode: (m) => encodeSingleInt64(1, m.ID),
  decode: decodeIdOnly,
};

/**
 * `LeaseKeepAliveResponse { header = 1; int64 ID = 2; int64 TTL = 3 }`: decoded once per renewal,
 * so read in one pass without the field bag (same rules: last value wins, a field of another wire
 * type than its own is skipped).
 */
export const leaseKeepAliveResponseCodec: LeaseMessageCodec<LeaseKeepAliveResponse> = {
  encode: (m) =>
    new ProtoWriter().message(1, encodeHeader(m.header)).int64(2, m.ID).int64(3, m.TTL).finish(),
  decode: (bytes) => {
    let header: Uint8Array = NO_BYTES;
    let id = 0n;
    let ttl = 0;
    const reader = new ProtoReader(bytes);
    while (!reader.done) {
      const key = reader.next();
      if (key === BYTES_1) header = reader.bytes();
      else if (key === VARINT_2) id = reader.varint();
      else if (key === VARINT_3) ttl = reader.int64Number();
      else reader.skip(key & 7);
    }
    return { header: keepAliveHeader(header), ID: toInt64(id), TTL: ttl };
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
