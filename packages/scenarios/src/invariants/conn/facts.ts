import type { ConnectivityState } from "@dsim/core";
import type { DialFact, StreamFact, TransportFact } from "../../suites/conn/spy-dialer.js";

/** A state transition reported by the channel (watchState) or a subchannel (its log records). */
export interface TransitionFact {
  readonly t: number;
  /** `"channel"` or the subchannel's address. */
  readonly scope: string;
  readonly from: ConnectivityState;
  readonly to: ConnectivityState;
}

/** What the application got for one RPC. */
export interface OutcomeFact {
  readonly id: string;
  readonly at: number;
  readonly deadlineAt: number;
  settledAt?: number;
  ok?: boolean;
  status?: number;
  details?: string;
}

/** The backoff constants the channel was built with (the spec's defaults in this suite). */
export interface BackoffParams {
  readonly initialMs: number;
  readonly multiplier: number;
  readonly jitter: number;
  readonly maxMs: number;
  readonly minConnectTimeoutMs: number;
}

/** Everything a conn run observed from the outside of core. */
export interface ConnFacts {
  readonly dials: readonly DialFact[];
  readonly transports: readonly TransportFact[];
  readonly streams: readonly StreamFact[];
  readonly transitions: readonly TransitionFact[];
  /** How many times the servers' handlers ran each RPC id. */
  readonly processed: ReadonlyMap<string, number>;
  readonly outcomes: readonly OutcomeFact[];
  /**
   * Resolver updates: dials numbered `firstDial` and later (made after the update was delivered)
   * may only go to `addresses`.
   */
  readonly addressUpdates: readonly {
    readonly t: number;
    readonly firstDial: number;
    readonly addresses: readonly string[];
  }[];
  readonly backoff: BackoffParams;
  /** The keepalive interval the channel was built with, or null without keepalive. */
  readonly keepaliveMs: number | null;
  /** When `close()` was called, if it was. */
  readonly closedAt: number | undefined;
}

/** One broken invariant, with the facts that show it. */
export interface Violation {
  readonly invariant: string;
  readonly message: string;
  readonly details: { readonly [key: string]: string | number | boolean | null };
}

/** b_k = min(initial · multiplier^k, max). */
export function baseBackoff(params: BackoffParams, k: number): number {
  return Math.min(params.initialMs * params.multiplier ** k, params.maxMs);
}

/** When a dial stopped being in flight (aborted or settled), or undefined if it still is. */
export function dialEnd(dial: DialFact): number | undefined {
  const ends = [dial.abortedAt, dial.settledAt].filter((v): v is number => v !== undefined);
  return ends.length === 0 ? undefined : Math.min(...ends);
}
