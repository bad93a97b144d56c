import type { SeededRandom } from "../kernel/contracts.js";

/**
 * What the server does with a new connection:
 * - `normal`: the HTTP/2 handshake (SETTINGS) and service;
 * - `refuse`: nothing listens, so connects fail with ECONNREFUSED;
 * - `accept-then-close`: the connection is accepted, then closed before any SETTINGS;
 * - `blackhole`: the connection is accepted and never answered.
 */
export type GrpcConnectionFaultMode = "normal" | "refuse" | "accept-then-close" | "blackhole";

/** Options of {@link GrpcConnectionFaultMode} `accept-then-close`. */
export interface AcceptThenCloseOptions {
  /** Delay between accept and close, in ms. Default 0 (close at once). */
  readonly closeAfterMs?: number;
  /** Reset instead of a graceful close. Default false. */
  readonly reset?: boolean;
}

/**
 * A rule that matches calls by method and fires a bounded number of times, with a probability
 * drawn from the server's seeded stream.
 *
 * Units: for unary methods one firing is one whole request or response; for streaming methods it
 * is one message. For `refuseStreams` it is one stream.
 */
export interface GrpcFaultRule {
  /** Full method path, or `"*"` for every method. */
  readonly method: string;
  /** How many times the rule fires before it expires. Default: unlimited. */
  readonly count?: number;
  /** Probability that a matching event is hit. Default 1. */
  readonly probability?: number;
}

interface ActiveRule {
  readonly method: string;
  remaining: number;
  readonly probability: number;
}

/** A set of {@link GrpcFaultRule}s of one kind. */
export class FaultRules {
  readonly #rules: ActiveRule[] = [];
  readonly #random: SeededRandom;

  constructor(random: SeededRandom) {
    this.#random = random;
  }

  /** Adds a rule; validated up front. */
  add(rule: GrpcFaultRule): void {
    if (typeof rule?.method !== "string" || rule.method.length === 0) {
      throw new TypeError('fault rule: method must be a method path or "*"');
    }
    const count = rule.count ?? Number.POSITIVE_INFINITY;
    if (!(count >= 1) || (Number.isFinite(count) && !Number.isInteger(count))) {
      throw new RangeError(`fault rule: count must be a positive integer, got ${rule.count}`);
    }
    const probability = rule.probability ?? 1;
    if (!(probability >= 0 && probability <= 1)) {
      throw new RangeError(`fault rule: probability must be in [0, 1], got ${rule.probability}`);
    }
    this.#rules.push({ method: rule.method, remaining: count, probability });
  }

  /** Removes the rules for `method`, or every rule when omitted. */
  clear(method?: string): void {
    if (method === undefined) {
      this.#rules.length = 0;
      return;
    }
    for (let i = this.#rules.length - 1; i >= 0; i--) {
      if (this.#rules[i]?.method === method) this.#rules.splice(i, 1);
    }
  }

  /** Number of active rules. */
  get size(): number {
    return this.#rules.length;
  }

  /** True (and one firing used up) when a rule matches `method` and its probability hits. */
  take(method: string): boolean {
    for (let i = 0; i < this.#rules.length; i++) {
      const rule = this.#rules[i];
      if (rule === undefined || (rule.method !== "*" && rule.method !== method)) continue;
      // Draw only for a real probability, so adding a p=1 rule does not shift the stream.
      if (rule.probability < 1 && !this.#random.chance(rule.probability)) continue;
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.#rules.splice(i, 1);
      return true;
    }
    return false;
  }
}
