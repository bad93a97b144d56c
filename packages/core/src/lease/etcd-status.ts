/**
 * Wire facts shared by the lessor (to recognise errors) and the fake etcd (to produce them): the
 * gRPC status codes etcd uses for lease calls and etcd's exact error strings.
 */

import { Status } from "../conn/status.js";

/** The gRPC status codes (grpc `codes`); the lease API uses a subset. */
export const GrpcCode = Status;

/** etcd's error strings (`rpctypes`), exact, so real etcd clients recognise them. */
export const EtcdMessage = {
  leaseNotFound: "etcdserver: requested lease not found",
  leaseExists: "etcdserver: lease already exists",
  ttlTooLarge: "etcdserver: too large lease TTL",
  noLeader: "etcdserver: no leader",
  requestTimedOut: "etcdserver: request timed out",
  leaderChanged: "etcdserver: leader changed",
  requestCanceled: "etcdserver: request canceled",
} as const;

/** The gRPC code etcd pairs with each message. */
export const etcdMessageCode: Readonly<Record<keyof typeof EtcdMessage, number>> = {
  leaseNotFound: GrpcCode.NOT_FOUND,
  leaseExists: GrpcCode.FAILED_PRECONDITION,
  ttlTooLarge: GrpcCode.OUT_OF_RANGE,
  noLeader: GrpcCode.UNAVAILABLE,
  requestTimedOut: GrpcCode.UNAVAILABLE,
  leaderChanged: GrpcCode.UNAVAILABLE,
  requestCanceled: GrpcCode.CANCELLED,
};

/** etcd's largest lease TTL in seconds (`MaxLeaseTTL`). */
export const MAX_LEASE_TTL = 9_000_000_000;

/** Metadata key and value that ask the server to fail when there is no leader. */
export const REQUIRE_LEADER_KEY = "hasleader";
/** See {@link REQUIRE_LEADER_KEY}. */
export const REQUIRE_LEADER_VALUE = "true";
