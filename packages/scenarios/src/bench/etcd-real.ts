/**
 * Issue 6's real-etcd benchmark: core's `Lessor` through its real adapters (core's `ClientConn` +
 * `node:http2`, and grpc-js) side by side with the `etcd3` npm client's own leases, each keeping
 * the same leases alive against a real 3-member etcd on 127.0.0.1, each in its own child process.
 *
 * Opt-in (it starts etcd processes and runs for minutes): `pnpm bench --only etcd-real` or
 * `pnpm bench --real`. Window length: 60 s, 10 s with `--quick`, or `DSIM_ETCD_REAL_SECONDS`; it
 * starts after a warm-up of 30 s (5 s with `--quick`, or `DSIM_ETCD_REAL_WARMUP_SECONDS`) whose CPU
 * is reported apart. Leases: 1 000 or `DSIM_ETCD_REAL_LEASES`. Streams and requests are counted by
 * etcd itself.
 *
 * Every client talks to one member only, once to the leader and once to a follower
 * (`DSIM_ETCD_REAL_MEMBER=leader|follower|any`, comma-separated; `any` hands the client all three):
 * an etcd 3.4 follower forwards each renewal to the leader one at a time, so its responses trickle
 * out one per packet and wake the client once per keep-alive, while the leader answers a tick's
 * requests in a burst — the two differ by a factor of three, and a run must say which it measured.
 * `http2-bare` is the floor: the least code keeping the same leases over node:http2.
 *
 * `DSIM_ETCD_REAL_CLIENTS=core-http2,etcd3` runs only those clients; `DSIM_ETCD_REAL_NODE_ARGS`
 * adds node flags to the children (`--trace-gc`; their output goes to stderr);
 * `DSIM_ETCD_REAL_CPU_PROF=<dir>` writes a CPU profile of each child's window there and prints its
 * top self-time entries (the profiler's own cost then inflates the CPU figures: profile and measure
 * in separate runs).
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { EtcdCluster } from "../../../conformance/test/helpers/etcd-cluster.js";
import { bundleChild } from "./etcd-real/bundle-child.js";
import { type CpuProfile, type SelfTimeEntry, topSelfTime } from "./etcd-real/profile-top.js";
import { diffCounters, type LeaseCounters, scrapeLeaseCounters } from "./etcd-real/prometheus.js";
import { type ChildResult, CLIENT_KINDS, type ClientKind } from "./etcd-real/protocol.js";
import { runChild } from "./etcd-real/spawn-child.js";
import { formatResult } from "./format.js";
import type { Bench, BenchOptions, BenchValue } from "./registry.js";

/** TTL of every lease, seconds: renewals every ~3.3 s, as clientv3 and etcd3 both do at TTL/3. */
const TTL_S = 10;

/** One client's measured row. Server-side counts are summed over the members. */
export interface EtcdRealRow {
  readonly [key: string]: number | string | boolean;
  readonly client: string;
  /** The member the client talked to: `leader`, `follower` or `any` (all three). */
  readonly member: string;
  /** Wall ms to grant every lease and see its first keep-alive response. */
  readonly establishMs: number;
  /** Child CPU in the warm-up before the window, per 1 000 keep-alive responses seen there, ms. */
  readonly warmupCpuMsPer1kKa: number;
  /** Child CPU (user + system) in the window, ms. */
  readonly cpuMs: number;
  /** `cpuMs` as a percentage of one core over the window. */
  readonly cpuPct: number;
  /**
   * Window CPU per 1 000 keep-alives, ms (= µs per keep-alive): the client's CPU over the
   * keep-alive requests etcd received from it in the window.
   */
  readonly cpuMsPer1kKa: number;
  /** Of `cpuMs`, the part spent in the kernel (system time), ms. */
  readonly cpuSysMs: number;
  /** Voluntary context switches of the child in the window (sleeps and wake-ups). */
  readonly wakeups: number;
  /** Child CPU over its whole life (start-up, grants, teardown), ms. */
  readonly cpuTotalMs: number;
  /** Peak RSS of the child's whole life (tsx and the end-of-run check included), MiB. */
  readonly rssPeakMb: number;
  /** RSS at the window's end minus RSS before the client existed, MiB. */
  readonly rssGrowthMb: number;
  /** Largest heapUsed sampled during the window, MiB. */
  readonly heapPeakMb: number;
  /** Heap still used after a full GC at the window's end, minus the child's own baseline. */
  readonly heapRetainedMb: number;
  /** LeaseKeepAlive streams etcd saw opened over the whole child run. */
  readonly streams: number;
  /** Of which opened during the window (0 when nothing failed). */
  readonly streamsInWindow: number;
  /** LeaseKeepAlive requests etcd received in the window. */
  readonly kaRequests: number;
  /** LeaseKeepAlive responses etcd sent in the window. */
  readonly kaResponses: number;
  /** `kaRequests` per lease per minute (TTL/3 pacing of a 10 s TTL is 18). */
  readonly reqPerLeaseMin: number;
  /** Responses the application code saw in the window. */
  readonly clientResponses: number;
  /** Keep-alive streams the client reports having opened. */
  readonly clientStreams: number;
  /** Leases the client reported lost during the run. */
  readonly lost: number;
  /** Leases etcd reported expired at the window's end. */
  readonly expired: number;
  /** Smallest remaining TTL at the window's end, s. */
  readonly minTtlLeftS: number;
  /** The child exited by itself after closing the client (nothing left running). */
  readonly cleanExit: boolean;
}

function positiveEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function toRow(
  member: MemberRole,
  result: ChildResult,
  whole: LeaseCounters,
  window: LeaseCounters,
  leases: number,
  cleanExit: boolean,
): EtcdRealRow {
  return {
    client: result.client,
    member,
    establishMs: result.establishMs,
    warmupCpuMsPer1kKa:
      result.warmupResponses === 0
        ? 0
        : round((result.warmupCpuMs * 1000) / result.warmupResponses, 2),
    cpuMs: result.cpuMs,
    cpuPct: round((result.cpuMs / result.windowMs) * 100, 2),
    cpuMsPer1kKa:
      window.keepAliveRequests === 0 ? 0 : round(result.cpuUs / window.keepAliveRequests, 2),
    cpuSysMs: result.cpuMs - result.cpuUserMs,
    wakeups: result.wakeups,
    cpuTotalMs: result.cpuTotalMs,
    rssPeakMb: result.rssPeakMb,
    rssGrowthMb: round(result.rssWindowEndMb - result.rssBaseMb, 1),
    heapPeakMb: result.heapPeakMb,
    heapRetainedMb: result.heapRetainedMb,
    streams: whole.keepAliveStreams,
    streamsInWindow: window.keepAliveStreams,
    kaRequests: window.keepAliveRequests,
    kaResponses: window.keepAliveResponses,
    reqPerLeaseMin: round(window.keepAliveRequests / leases / (result.windowMs / 60_000), 2),
    clientResponses: result.responses,
    clientStreams: result.clientStreams,
    lost: result.lost,
    expired: result.expired,
    minTtlLeftS: result.minTtlLeftS,
    cleanExit,
  };
}

const RATIO_METRICS = [
  "cpuMsPer1kKa",
  "cpuMs",
  "cpuTotalMs",
  "rssPeakMb",
  "rssGrowthMb",
  "heapRetainedMb",
  "streams",
  "kaRequests",
] as const;

/** The pairs of clients worth comparing, numerator first. */
const RATIO_PAIRS: readonly (readonly [string, string])[] = [
  ["etcd3", "core-http2"],
  ["etcd3", "core-grpc-js"],
  ["core-grpc-js", "core-http2"],
  ["core-http2", "http2-bare"],
];

/** The members the rows were measured against, in first-seen order. */
function membersOf(rows: readonly EtcdRealRow[]): string[] {
  return [...new Set(rows.map((row) => row.member))];
}

/**
 * `numerator / denominator` per metric and member, for each pair of clients worth comparing
 * (only clients measured against the same member are compared).
 */
export function ratios(rows: readonly EtcdRealRow[]): { [key: string]: number | string }[] {
  return membersOf(rows).flatMap((member) =>
    ratiosFor(
      member,
      rows.filter((row) => row.member === member),
    ),
  );
}

function ratiosFor(
  member: string,
  rows: readonly EtcdRealRow[],
): { [key: string]: number | string }[] {
  const find = (client: string) => rows.find((row) => row.client === client);
  return RATIO_METRICS.map((metric) => {
    const line: { [key: string]: number | string } = { metric, member };
    for (const [top, bottom] of RATIO_PAIRS) {
      const a = find(top)?.[metric];
      const b = find(bottom)?.[metric];
      if (typeof a !== "number" || typeof b !== "number") continue;
      line[`${top} / ${bottom}`] = b === 0 ? "n/a" : round(a / b, 2);
    }
    return line;
  });
}

/** The clients named in `DSIM_ETCD_REAL_CLIENTS` (comma-separated), in the usual order; all by default. */
function clientsFromEnv(): readonly ClientKind[] {
  const raw = process.env.DSIM_ETCD_REAL_CLIENTS;
  if (raw === undefined || raw.trim() === "") return CLIENT_KINDS;
  const named = raw.split(",").map((name) => name.trim());
  const unknown = named.filter((name) => !(CLIENT_KINDS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new RangeError(
      `DSIM_ETCD_REAL_CLIENTS: unknown client(s) ${unknown.join(", ")}; known: ${CLIENT_KINDS.join(", ")}`,
    );
  }
  return CLIENT_KINDS.filter((client) => named.includes(client));
}

/**
 * The issue-14 figures, one line per member: window CPU per 1 000 keep-alives of each client and
 * etcd3 / core-http2.
 */
export function perKeepAliveSummary(rows: readonly EtcdRealRow[]): string {
  return membersOf(rows)
    .map((member) =>
      summaryFor(
        member,
        rows.filter((row) => row.member === member),
      ),
    )
    .join("\n");
}

function summaryFor(member: string, rows: readonly EtcdRealRow[]): string {
  const parts = rows.map((row) => `${row.client} ${row.cpuMsPer1kKa} ms`);
  const http2 = rows.find((row) => row.client === "core-http2")?.cpuMsPer1kKa;
  const etcd3 = rows.find((row) => row.client === "etcd3")?.cpuMsPer1kKa;
  const ratio =
    http2 === undefined || etcd3 === undefined || http2 === 0
      ? ""
      : `; etcd3 / core-http2 = ${round(etcd3 / http2, 2)}`;
  return `etcd-real: CPU per 1 000 keep-alives (window, ${member}): ${parts.join(", ")}${ratio}`;
}

/** Which member a client is pointed at. */
type MemberRole = "leader" | "follower" | "any";
const MEMBER_ROLES: readonly MemberRole[] = ["leader", "follower", "any"];

/** The roles named in `DSIM_ETCD_REAL_MEMBER` (comma-separated); leader and follower by default. */
function membersFromEnv(): readonly MemberRole[] {
  const raw = process.env.DSIM_ETCD_REAL_MEMBER;
  if (raw === undefined || raw.trim() === "") return ["leader", "follower"];
  const named = raw.split(",").map((name) => name.trim());
  const unknown = named.filter((name) => !(MEMBER_ROLES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new RangeError(
      `DSIM_ETCD_REAL_MEMBER: unknown member role(s) ${unknown.join(", ")}; known: ${MEMBER_ROLES.join(", ")}`,
    );
  }
  return MEMBER_ROLES.filter((role) => named.includes(role));
}

/** Top self-time entries shown per profiled client. */
const PROFILE_TOP = 10;

async function run(options: BenchOptions): Promise<BenchValue> {
  const seconds = positiveEnv("DSIM_ETCD_REAL_SECONDS") ?? (options.quick ? 10 : 60);
  const warmupSeconds = positiveEnv("DSIM_ETCD_REAL_WARMUP_SECONDS") ?? (options.quick ? 5 : 30);
  const roles = membersFromEnv();
  const nodeArgs = (process.env.DSIM_ETCD_REAL_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const leases = Math.round(positiveEnv("DSIM_ETCD_REAL_LEASES") ?? 1000);
  const durationMs = Math.round(seconds * 1000);
  const clients = clientsFromEnv();
  const profileEnv = process.env.DSIM_ETCD_REAL_CPU_PROF;
  const cpuProfileDir =
    profileEnv === undefined || profileEnv === "" ? undefined : resolve(profileEnv);
  const profiles: { [client: string]: SelfTimeEntry[] } = {};
  const script = await bundleChild();
  // etcd's default timing (100 ms heartbeat, 1 s election): the cluster a user would run.
  const cluster = await EtcdCluster.start({ heartbeatMs: 100, electionMs: 1000 });
  const addresses = cluster.clientAddresses;
  const rows: EtcdRealRow[] = [];
  try {
    options.log(
      `etcd-real: etcd ${cluster.version}, 3 members, ${leases} leases, TTL ${TTL_S} s, warm-up ${warmupSeconds} s, window ${seconds} s`,
    );
    for (const [role, client] of roles.flatMap((r) => clients.map((c) => [r, c] as const))) {
      // Asked before every client: an election during an earlier client's run moves the leader.
      const leader = await cluster.leader();
      const follower = cluster.members.find((member) => member !== leader);
      if (follower === undefined) throw new Error("a 3-member cluster without a follower");
      const target =
        role === "leader"
          ? [leader.clientAddress]
          : role === "follower"
            ? [follower.clientAddress]
            : addresses;
      options.log(`etcd-real: ${client} → ${role} (${target.join(", ")})…`);
      const start = await scrapeLeaseCounters(addresses);
      let windowStart: LeaseCounters | undefined;
      let windowEnd: LeaseCounters | undefined;
      const { result, exitedByItself } = await runChild(
        script,
        {
          client,
          addresses: target,
          leases,
          ttlS: TTL_S,
          warmupMs: Math.round(warmupSeconds * 1000),
          durationMs,
          ...(cpuProfileDir === undefined ? {} : { cpuProfileDir: `${cpuProfileDir}/${role}` }),
        },
        async ({ marker }) => {
          const counters = await scrapeLeaseCounters(addresses);
          if (marker === "window-start") windowStart = counters;
          else windowEnd = counters;
        },
        durationMs + warmupSeconds * 1000 + 300_000,
        nodeArgs,
      );
      const end = await scrapeLeaseCounters(addresses);
      if (windowStart === undefined || windowEnd === undefined) {
        throw new Error(`${client}: the child never marked its window`);
      }
      const row = toRow(
        role,
        result,
        diffCounters(end, start),
        diffCounters(windowEnd, windowStart),
        leases,
        exitedByItself,
      );
      rows.push(row);
      options.log(`etcd-real: ${JSON.stringify(row)}`);
      if (cpuProfileDir !== undefined) {
        const path = `${cpuProfileDir}/${role}/${client}.cpuprofile`;
        const profile = JSON.parse(await readFile(path, "utf8")) as CpuProfile;
        const top = topSelfTime(profile, PROFILE_TOP);
        profiles[`${client}@${role}`] = top;
        options.log(formatResult(`etcd-real: ${client} → ${role} window profile (${path})`, top));
      }
    }
  } finally {
    await cluster.close();
  }
  const ratioRows = ratios(rows);
  options.log(formatResult("etcd-real: side by side", rows));
  options.log(formatResult("etcd-real: ratios", ratioRows));
  options.log(perKeepAliveSummary(rows));
  return {
    etcdVersion: cluster.version,
    members: 3,
    leases,
    ttlS: TTL_S,
    warmupS: warmupSeconds,
    windowS: seconds,
    clients: rows,
    ratios: ratioRows,
    ...(cpuProfileDir === undefined ? {} : { profiles }),
  };
}

/** The opt-in real-etcd lease benchmark (issue 6). */
export const etcdRealBench: Bench = {
  description:
    "real etcd (opt-in): core Lessor (http2, grpc-js) vs etcd3 leases — CPU, memory, streams, requests",
  optIn: true,
  run,
};
