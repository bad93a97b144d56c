/**
 * What the parent and a client child process of the real-etcd benchmark exchange: the child gets
 * a {@link ChildConfig} as one JSON argument and prints {@link ChildMarker} lines while it runs and
 * one {@link ChildResult} line at the end (all on stdout, one JSON object per line).
 */

/**
 * The clients the benchmark compares, each in its own child process. `http2-bare` is the floor: the
 * least code that keeps leases alive over node:http2 (see `bare-driver.ts`).
 */
export const CLIENT_KINDS = ["http2-bare", "core-http2", "core-grpc-js", "etcd3"] as const;

/** One client under test. */
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** The child's arguments. */
export interface ChildConfig {
  readonly client: ClientKind;
  /** Client addresses of the etcd members (`127.0.0.1:port`). */
  readonly addresses: readonly string[];
  /** Leases to grant and keep alive. */
  readonly leases: number;
  /** TTL of every lease, seconds. */
  readonly ttlS: number;
  /**
   * How long the leases are kept alive after establishment before the window starts, ms: the
   * transient after the grants (V8's memory reducer collecting, code being recompiled) is charged
   * here, not to the steady state the window measures.
   */
  readonly warmupMs: number;
  /** How long the window lasts, ms. */
  readonly durationMs: number;
  /**
   * When set, the child records a V8 CPU profile of the window only (not start-up, grants or the
   * end-of-run check) and writes it to `<cpuProfileDir>/<client>.cpuprofile`.
   */
  readonly cpuProfileDir?: string;
}

/** Progress line: the measured window starts or ends now (the parent scrapes etcd's metrics). */
export interface ChildMarker {
  readonly marker: "window-start" | "window-end";
}

/** The child's final line. Times in ms, memory in MiB. */
export interface ChildResult {
  readonly client: ClientKind;
  /** Wall time to grant every lease and see its first keep-alive response. */
  readonly establishMs: number;
  /** CPU (user + system) of the child during the warm-up before the window. */
  readonly warmupCpuMs: number;
  /** Keep-alive responses the client's code saw during the warm-up. */
  readonly warmupResponses: number;
  /** The measured window's real length. */
  readonly windowMs: number;
  /** CPU (user + system) of the child during the window. */
  readonly cpuMs: number;
  /** The same in microseconds (per-keep-alive figures need more than whole milliseconds). */
  readonly cpuUs: number;
  /** Of which user time. */
  readonly cpuUserMs: number;
  /**
   * Voluntary context switches of the child (all threads) during the window: roughly how often it
   * went to sleep and was woken up (by a socket, a timer), each a cost in the kernel.
   */
  readonly wakeups: number;
  /** CPU of the whole child process, start-up (module loading, tsx) and teardown included. */
  readonly cpuTotalMs: number;
  /** Peak resident set size of the child over its whole life (`resourceUsage().maxRSS`). */
  readonly rssPeakMb: number;
  /** RSS after start-up (modules loaded, full GC), before the client existed. */
  readonly rssBaseMb: number;
  /** RSS at the end of the window, before any check. */
  readonly rssWindowEndMb: number;
  /** Largest `heapUsed` sampled every second during the window. */
  readonly heapPeakMb: number;
  /** `heapUsed` after a full GC at the end of the window minus the same before the client existed. */
  readonly heapRetainedMb: number;
  /** Keep-alive responses the client's code saw during the window. */
  readonly responses: number;
  /** Keep-alive streams the client reports it opened (whole run). */
  readonly clientStreams: number;
  /** Leases the client reported lost/closed before the end of the window. */
  readonly lost: number;
  /** Leases whose TimeToLive (asked through etcd's HTTP gateway at the window's end) was -1. */
  readonly expired: number;
  /** Smallest remaining TTL seen in that check, seconds (floor, as etcd reports it). */
  readonly minTtlLeftS: number;
}

/** Parses one stdout line of a child: a marker, a result, or undefined for anything else. */
export function parseChildLine(line: string): ChildMarker | ChildResult | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith("{")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record.marker === "window-start" || record.marker === "window-end") {
    return { marker: record.marker };
  }
  if (typeof record.client === "string" && typeof record.cpuMs === "number") {
    return value as ChildResult;
  }
  return undefined;
}
