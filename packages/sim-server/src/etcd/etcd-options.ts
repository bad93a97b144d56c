import type { Clock } from "@dsim/core";
import type { SeededRandom, TraceValue } from "../kernel/contracts.js";
import type { EtcdLeaseObserver } from "./lease-observer.js";

/** Where the fake etcd records what happened (a `Simulation`'s trace fits). */
export interface EtcdTraceSink {
  record(source: string, kind: string, data?: { readonly [key: string]: TraceValue }): void;
}

/** Options of an {@link EtcdCluster}. Durations are milliseconds. */
export interface EtcdClusterOptions {
  /** The cluster's clock view (e.g. `sim.clockFor("etcd")`). */
  readonly clock: Clock;
  /** The cluster's seeded stream (e.g. `sim.randomFor("etcd")`): election timing, IDs. */
  readonly random: SeededRandom;
  /** Number of members: 1, 3 or 5. Default 1. */
  readonly members?: 1 | 3 | 5;
  /** Raft heartbeat interval. Default 100. */
  readonly heartbeatMs?: number;
  /** Raft election timeout. Default 1000. `minLeaseTTL = ceil(1.5 × electionTimeout)` seconds. */
  readonly electionTimeoutMs?: number;
  /** Period of the leader's expiry loop. Default 500. */
  readonly revokeIntervalMs?: number;
  /** Leases revoked per expiry tick at most. Default 500. */
  readonly maxRevokesPerTick?: number;
  /** How long a forwarded renew waits for a leader before `request timed out`. Default 7000. */
  readonly requestTimeoutMs?: number;
  /** Trace sink; events are recorded under source `etcd`. */
  readonly trace?: EtcdTraceSink;
  /** Record every keep-alive request in the trace (costly with many leases). Default false. */
  readonly traceKeepAlives?: boolean;
  /** Cluster ID reported in response headers. Default 0x1000n. */
  readonly clusterId?: bigint;
  /** Told of every change to the lease table and every lease answer (for model checks). */
  readonly observer?: EtcdLeaseObserver;
}

/** Validated options with defaults. */
export interface ResolvedEtcdOptions {
  readonly clock: Clock;
  readonly random: SeededRandom;
  readonly members: number;
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
  readonly revokeIntervalMs: number;
  readonly maxRevokesPerTick: number;
  readonly requestTimeoutMs: number;
  readonly trace: EtcdTraceSink | undefined;
  readonly traceKeepAlives: boolean;
  readonly clusterId: bigint;
  readonly observer: EtcdLeaseObserver | undefined;
  /** Seconds: ceil(1.5 × electionTimeout). */
  readonly minLeaseTtl: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw new TypeError(`EtcdCluster: ${name} must be a number`);
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`EtcdCluster: ${name} must be a positive finite number, got ${value}`);
  }
  return value;
}

/** Validates options (TypeError/RangeError) and applies defaults. */
export function resolveEtcdOptions(options: EtcdClusterOptions): ResolvedEtcdOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("EtcdCluster: options must be an object");
  }
  if (typeof options.clock?.setTimeout !== "function") {
    throw new TypeError("EtcdCluster: options.clock must be a Clock");
  }
  if (typeof options.random?.next !== "function" || typeof options.random.int !== "function") {
    throw new TypeError("EtcdCluster: options.random must be a SeededRandom");
  }
  const members = options.members ?? 1;
  if (members !== 1 && members !== 3 && members !== 5) {
    throw new RangeError(`EtcdCluster: members must be 1, 3 or 5, got ${String(members)}`);
  }
  const electionTimeoutMs = positive("electionTimeoutMs", options.electionTimeoutMs, 1000);
  const maxRevokesPerTick = positive("maxRevokesPerTick", options.maxRevokesPerTick, 500);
  if (options.observer !== undefined && typeof options.observer.onLeaseEvent !== "function") {
    throw new TypeError("EtcdCluster: options.observer must have an onLeaseEvent method");
  }
  if (!Number.isInteger(maxRevokesPerTick)) {
    throw new RangeError("EtcdCluster: maxRevokesPerTick must be an integer");
  }
  return {
    clock: options.clock,
    random: options.random,
    members,
    heartbeatMs: positive("heartbeatMs", options.heartbeatMs, 100),
    electionTimeoutMs,
    revokeIntervalMs: positive("revokeIntervalMs", options.revokeIntervalMs, 500),
    maxRevokesPerTick,
    requestTimeoutMs: positive("requestTimeoutMs", options.requestTimeoutMs, 7000),
    trace: options.trace,
    traceKeepAlives: options.traceKeepAlives ?? false,
    clusterId: options.clusterId ?? 0x1000n,
    observer: options.observer,
    minLeaseTtl: Math.ceil((1.5 * electionTimeoutMs) / 1000),
  };
}
