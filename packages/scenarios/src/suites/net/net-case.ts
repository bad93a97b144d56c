import fc from "fast-check";

/** Host names of the generated world, `h0` … `h3`; a case uses the first `hostCount`. */
export const HOSTS = ["h0", "h1", "h2", "h3"] as const;

/** Port every server host listens on. */
export const PORT = 7000;

/** Link properties of one unordered host pair (both directions). */
export interface NetLink {
  readonly a: string;
  readonly b: string;
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly loss: number;
}

/** A connection the workload opens from `client` to `server:PORT` before the plan starts. */
export interface NetConnection {
  readonly client: string;
  readonly server: string;
}

/** Direction of a message on a connection. */
export type Direction = "c2s" | "s2c";

/** The fault plan and workload as data: one timed action, `at` ms after the world is set up. */
export type NetAction =
  | {
      readonly at: number;
      readonly kind: "send";
      readonly conn: number;
      readonly dir: Direction;
      readonly count: number;
    }
  | {
      readonly at: number;
      readonly kind: "partition";
      readonly a: string;
      readonly b: string;
      readonly oneWay: boolean;
    }
  | { readonly at: number; readonly kind: "heal"; readonly a: string; readonly b: string }
  | { readonly at: number; readonly kind: "hold"; readonly a: string; readonly b: string }
  | { readonly at: number; readonly kind: "release"; readonly a: string; readonly b: string };

/** One generated case of the `net-delivery` suite, normalised (every index is valid). */
export interface NetCase {
  readonly hosts: readonly string[];
  readonly links: readonly NetLink[];
  readonly connections: readonly NetConnection[];
  /** Sends and faults, sorted by `at` (stable: generation order breaks ties). */
  readonly actions: readonly NetAction[];
}

interface RawFault {
  readonly at: number;
  readonly hold: boolean;
  readonly a: number;
  readonly b: number;
  readonly oneWay: boolean;
  readonly durationMs: number;
}

interface RawCase {
  readonly hostCount: number;
  readonly links: readonly { latencyMs: number; jitterMs: number; lossPct: number }[];
  readonly connections: readonly { client: number; server: number }[];
  readonly sends: readonly { at: number; conn: number; toServer: boolean; count: number }[];
  readonly faults: readonly RawFault[];
}

/** Pairs (i < j) in a fixed order, so link `k` always means the same pair. */
const PAIRS: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
];

/** The latest time (ms after setup) at which the plan can do anything. */
export const PLAN_HORIZON_MS = 3000;

const rawArbitrary: fc.Arbitrary<RawCase> = fc.record({
  hostCount: fc.integer({ min: 2, max: HOSTS.length }),
  links: fc.array(
    fc.record({
      latencyMs: fc.integer({ min: 1, max: 40 }),
      jitterMs: fc.integer({ min: 0, max: 20 }),
      lossPct: fc.integer({ min: 0, max: 30 }),
    }),
    { minLength: PAIRS.length, maxLength: PAIRS.length },
  ),
  connections: fc.array(fc.record({ client: fc.nat({ max: 3 }), server: fc.nat({ max: 2 }) }), {
    minLength: 1,
    maxLength: 4,
  }),
  sends: fc.array(
    fc.record({
      at: fc.nat({ max: 1500 }),
      conn: fc.nat({ max: 3 }),
      toServer: fc.boolean(),
      count: fc.integer({ min: 1, max: 3 }),
    }),
    { maxLength: 24 },
  ),
  faults: fc.array(
    fc.record({
      at: fc.nat({ max: 1500 }),
      hold: fc.boolean(),
      a: fc.nat({ max: 3 }),
      b: fc.nat({ max: 2 }),
      oneWay: fc.boolean(),
      durationMs: fc.integer({ min: 1, max: 1500 }),
    }),
    { maxLength: 6 },
  ),
});

function hostAt(index: number): string {
  return HOSTS[index] ?? "h0";
}

/** `other` picks a host distinct from `first` among `count` hosts. */
function distinct(first: number, other: number, count: number): number {
  return (first + 1 + (other % (count - 1))) % count;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/**
 * Turns raw draws into a valid case. Faults on the same host pair never overlap (a later one that
 * would is dropped): overlapping partition/heal or hold/release pairs on one link have no single
 * obvious meaning, and the invariants need one. Every fault ends by {@link PLAN_HORIZON_MS}.
 */
function normalise(raw: RawCase): NetCase {
  const count = raw.hostCount;
  const hosts = HOSTS.slice(0, count);
  const links: NetLink[] = [];
  PAIRS.forEach(([i, j], k) => {
    const link = raw.links[k];
    if (j < count && link !== undefined) {
      links.push({
        a: hostAt(i),
        b: hostAt(j),
        latencyMs: link.latencyMs,
        jitterMs: link.jitterMs,
        loss: link.lossPct / 100,
      });
    }
  });
  const connections = raw.connections.map(({ client, server }) => {
    const c = client % count;
    return { client: hostAt(c), server: hostAt(distinct(c, server, count)) };
  });
  const actions: NetAction[] = raw.sends.map((send) => ({
    at: send.at,
    kind: "send",
    conn: send.conn % connections.length,
    dir: send.toServer ? "c2s" : "s2c",
    count: send.count,
  }));
  const busyUntil = new Map<string, number>();
  const faults = [...raw.faults].sort((x, y) => x.at - y.at);
  for (const fault of faults) {
    const ai = fault.a % count;
    const a = hostAt(ai);
    const b = hostAt(distinct(ai, fault.b, count));
    const key = pairKey(a, b);
    if ((busyUntil.get(key) ?? -1) >= fault.at) continue;
    const end = Math.min(fault.at + fault.durationMs, PLAN_HORIZON_MS);
    busyUntil.set(key, end);
    if (fault.hold) {
      actions.push({ at: fault.at, kind: "hold", a, b }, { at: end, kind: "release", a, b });
    } else {
      actions.push(
        { at: fault.at, kind: "partition", a, b, oneWay: fault.oneWay },
        { at: end, kind: "heal", a, b },
      );
    }
  }
  // Stable sort: at equal times, sends come before faults (they were pushed first).
  actions.sort((x, y) => x.at - y.at);
  return { hosts, links, connections, actions };
}

/**
 * Generates `net-delivery` cases: 2–4 hosts, per-pair latency/jitter/loss, 1–4 connections and a
 * schedule of sends, partitions/heals and holds/releases. Shrinking removes actions, moves them
 * earlier, shortens faults and lowers latency and loss.
 */
export const netCaseArbitrary: fc.Arbitrary<NetCase> = rawArbitrary.map(normalise);
