/**
 * The etcd `Lease` service messages as plain TypeScript values. Field names mirror the protobuf
 * definitions (`ID`, `TTL`, `grantedTTL`…) so that a reader who knows etcd recognises them.
 *
 * IDs and header fields are 64-bit on the wire and therefore `bigint`. TTLs are seconds; they are
 * `number` because etcd caps them at 9 000 000 000, well inside the safe-integer range.
 */

/** A lease ID (etcd `int64`). `0n` means "no lease" and, in a grant request, "server picks". */
export type LeaseId = bigint;

/** `NoLease`: the lease ID that stands for the absence of a lease. */
export const NO_LEASE: LeaseId = 0n;

/** `etcdserverpb.ResponseHeader`. */
export interface ResponseHeader {
  readonly clusterId: bigint;
  readonly memberId: bigint;
  readonly revision: bigint;
  readonly raftTerm: bigint;
}

/** `LeaseGrantRequest { int64 TTL = 1; int64 ID = 2 }`. */
export interface LeaseGrantRequest {
  readonly TTL: number;
  readonly ID: LeaseId;
}

/** `LeaseGrantResponse { header = 1; int64 ID = 2; int64 TTL = 3; string error = 4 }`. */
export interface LeaseGrantResponse {
  readonly header: ResponseHeader;
  readonly ID: LeaseId;
  readonly TTL: number;
  readonly error: string;
}

/** `LeaseRevokeRequest { int64 ID = 1 }`. */
export interface LeaseRevokeRequest {
  readonly ID: LeaseId;
}

/** `LeaseRevokeResponse { header = 1 }`. */
export interface LeaseRevokeResponse {
  readonly header: ResponseHeader;
}

/** `LeaseKeepAliveRequest { int64 ID = 1 }`. */
export interface LeaseKeepAliveRequest {
  readonly ID: LeaseId;
}

/** `LeaseKeepAliveResponse { header = 1; int64 ID = 2; int64 TTL = 3 }`. TTL ≤ 0: lease gone. */
export interface LeaseKeepAliveResponse {
  readonly header: ResponseHeader;
  readonly ID: LeaseId;
  readonly TTL: number;
}

/** `LeaseTimeToLiveRequest { int64 ID = 1; bool keys = 2 }`. */
export interface LeaseTimeToLiveRequest {
  readonly ID: LeaseId;
  readonly keys: boolean;
}

/**
 * `LeaseTimeToLiveResponse { header = 1; ID = 2; TTL = 3; grantedTTL = 4; repeated bytes keys = 5 }`.
 * `TTL` is the remaining whole seconds, `-1` for an unknown or expired lease.
 */
export interface LeaseTimeToLiveResponse {
  readonly header: ResponseHeader;
  readonly ID: LeaseId;
  readonly TTL: number;
  readonly grantedTTL: number;
  readonly keys: readonly Uint8Array[];
}

/** `LeaseLeasesRequest {}`. */
export type LeaseLeasesRequest = Readonly<Record<string, never>>;

/** `LeaseStatus { int64 ID = 1 }`. */
export interface LeaseStatus {
  readonly ID: LeaseId;
}

/** `LeaseLeasesResponse { header = 1; repeated LeaseStatus leases = 2 }`. */
export interface LeaseLeasesResponse {
  readonly header: ResponseHeader;
  readonly leases: readonly LeaseStatus[];
}

/** A header of zeros, for fakes and tests that have nothing better to report. */
export const EMPTY_HEADER: ResponseHeader = Object.freeze({
  clusterId: 0n,
  memberId: 0n,
  revision: 0n,
  raftTerm: 0n,
});
