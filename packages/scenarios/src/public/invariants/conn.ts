import { checkAddresses } from "../../invariants/conn/addresses.js";
import { checkBackoff } from "../../invariants/conn/backoff.js";
import type { ConnFacts } from "../../invariants/conn/facts.js";
import { checkStreams } from "../../invariants/conn/streams.js";
import type { DialFact, StreamFact, TransportFact } from "../../suites/conn/spy-dialer.js";
import type { Violation } from "./violation.js";

/** One connection attempt (a dial, or any request a client retries), seen from outside it. */
export interface Attempt {
  /** Where it went (`host:port`); backoff is judged per address. */
  readonly address: string;
  /** Virtual ms when it started. */
  readonly start: number;
  /** Virtual ms when it ended (failed, succeeded or was aborted); absent while in flight. */
  readonly end?: number;
  /** True when it succeeded: the next attempt to the address starts a fresh backoff. */
  readonly ok?: boolean;
}

/** Exponential backoff as gRPC's connection-backoff spec states it. */
export interface BackoffRule {
  /** b_0, the delay after the first failure. */
  readonly initialMs: number;
  /** b_{k+1} = b_k · multiplier. */
  readonly multiplier: number;
  /** Relative jitter, e.g. 0.2 allows b_k · [0.8, 1.2]. */
  readonly jitter: number;
  /** Cap of b_k. */
  readonly maxMs: number;
  /**
   * When given, also checks `conn.connect-deadline`: each attempt ends by
   * max(b_k · (1 + jitter), minConnectTimeoutMs).
   */
  readonly minConnectTimeoutMs?: number;
}

/** The spec's defaults (1 s, ×1.6, ±20 %, 120 s; 20 s minimum connect timeout). */
export const GRPC_BACKOFF: BackoffRule = {
  initialMs: 1_000,
  multiplier: 1.6,
  jitter: 0.2,
  maxMs: 120_000,
  minConnectTimeoutMs: 20_000,
};

function connFacts(partial: Partial<ConnFacts>, backoff: BackoffRule): ConnFacts {
  return {
    dials: [],
    transports: [],
    streams: [],
    transitions: [],
    processed: new Map(),
    outcomes: [],
    addressUpdates: [],
    backoff: {
      initialMs: backoff.initialMs,
      multiplier: backoff.multiplier,
      jitter: backoff.jitter,
      maxMs: backoff.maxMs,
      minConnectTimeoutMs: backoff.minConnectTimeoutMs ?? Number.POSITIVE_INFINITY,
    },
    keepaliveMs: null,
    closedAt: undefined,
    ...partial,
  };
}

function dialFacts(attempts: readonly Attempt[]): DialFact[] {
  return [...attempts]
    .map((attempt, index) => ({ attempt, index }))
    .sort((a, b) => a.attempt.start - b.attempt.start || a.index - b.index)
    .map(({ attempt }, id) => ({
      id,
      address: attempt.address,
      start: attempt.start,
      tooManyPingsBefore: 0,
      ...(attempt.end === undefined ? {} : { settledAt: attempt.end }),
      ...(attempt.end === undefined ? {} : { outcome: attempt.ok === true ? "ready" : "failed" }),
    }));
}

/**
 * Backoff between attempts, per address (the conn suite's checker, fed with your attempts):
 *
 * - `conn.backoff-spacing`: after the k-th failed attempt in a row, the next one starts no
 *   earlier than b_k · (1 − jitter) after it — a retry loop without backoff fails this.
 * - `conn.single-attempt`: at most one attempt per address is in flight at a time.
 * - `conn.connect-deadline` (only with `minConnectTimeoutMs`): no attempt outlives its deadline.
 *
 * @param attempts - every attempt of the run, in any order.
 * @param endOfRun - virtual ms the run ended (how long unfinished attempts lasted).
 */
export function checkBackoffSpacing(
  attempts: readonly Attempt[],
  rule: BackoffRule,
  endOfRun: number = Number.POSITIVE_INFINITY,
): Violation[] {
  const facts = connFacts({ dials: dialFacts(attempts) }, rule);
  const end = Number.isFinite(endOfRun)
    ? endOfRun
    : Math.max(0, ...attempts.map((a) => a.end ?? a.start));
  return checkBackoff(facts, end).filter((v) => v.invariant !== "conn.backoff-jitter");
}

/** A change of the address list a client was given (a resolver update). */
export interface AddressUpdate {
  /** Virtual ms the client received it. */
  readonly at: number;
  /** The addresses valid from then on. */
  readonly addresses: readonly string[];
}

/**
 * `conn.only-current-addresses`: every attempt that starts after an address update goes to an
 * address of that update's list (removed addresses are never dialled again). Attempts in the same
 * millisecond as the update are not judged: they may have started before it arrived.
 */
export function checkOnlyCurrentAddresses(
  attempts: readonly Attempt[],
  updates: readonly AddressUpdate[],
): Violation[] {
  const dials = dialFacts(attempts);
  const addressUpdates = [...updates]
    .sort((a, b) => a.at - b.at)
    .map((update) => {
      const later = dials.find((dial) => dial.start > update.at);
      return {
        t: update.at,
        firstDial: later === undefined ? dials.length : later.id,
        addresses: update.addresses,
      };
    });
  return checkAddresses(connFacts({ dials, addressUpdates }, GRPC_BACKOFF));
}

/** One connection as the server saw it, for the GOAWAY rule. */
export interface ServerConnection {
  /** Any id unique among the connections. */
  readonly id: number;
  readonly address: string;
  /** Virtual ms the server sent GOAWAY (or closed), if it did. */
  readonly goawayAt?: number;
  /** Virtual ms of every stream the client opened on it. */
  readonly streamsOpenedAt: readonly number[];
  /**
   * One-way latency from server to client: streams opened before the GOAWAY could arrive are
   * allowed. Default 0.
   */
  readonly latencyMs?: number;
}

/**
 * `conn.no-stream-after-goaway`: the client opens no stream on a connection once the server's
 * GOAWAY reached it.
 */
export function checkNoStreamAfterGoaway(connections: readonly ServerConnection[]): Violation[] {
  const transports: TransportFact[] = connections.map((c) => {
    const arrived = c.goawayAt === undefined ? undefined : c.goawayAt + (c.latencyMs ?? 0);
    return {
      dialId: c.id,
      address: c.address,
      ...(c.goawayAt === undefined ? {} : { goawayAt: c.goawayAt }),
      opensAfterGoaway:
        arrived === undefined ? 0 : c.streamsOpenedAt.filter((t) => t > arrived).length,
      readyAt: 0,
      pings: [],
    };
  });
  return checkStreams(connFacts({ transports }, GRPC_BACKOFF));
}

/** How one send of an RPC ended, as the transport reported it. */
export type SendEnd = "refused" | "reset" | "closed" | "status" | "open";

/** Every send of one RPC (same logical call), and how often a server handler ran it. */
export interface RpcSends {
  /** The RPC's id (e.g. an idempotency key or a metadata tag the server records). */
  readonly id: string;
  /** Each send, in order, with how its stream ended. */
  readonly sends: readonly { readonly at: number; readonly end: SendEnd }[];
  /** Times a server handler ran it. */
  readonly processed: number;
}

/**
 * - `conn.never-resend-possibly-processed`: an RPC is sent again only after a send the server
 *   provably did not process (`refused`, i.e. REFUSED_STREAM or a GOAWAY above its id), and no
 *   handler runs it twice.
 * - `conn.refused-retry-at-most-once`: at most two sends per RPC.
 */
export function checkNoResendOfProcessed(rpcs: readonly RpcSends[]): Violation[] {
  const streams: StreamFact[] = [];
  const processed = new Map<string, number>();
  for (const rpc of rpcs) {
    for (const send of rpc.sends) {
      const fact: StreamFact = { rpcId: rpc.id, dialId: 0, at: send.at };
      if (send.end !== "open") fact.end = send.end;
      streams.push(fact);
    }
    processed.set(rpc.id, rpc.processed);
  }
  return checkStreams(connFacts({ streams, processed }, GRPC_BACKOFF));
}
