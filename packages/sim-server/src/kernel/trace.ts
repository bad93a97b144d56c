import { createHash, type Hash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import type { TraceEvent, TraceValue } from "./contracts.js";

/** Options of {@link Trace}. */
export interface TraceOptions {
  /**
   * Keep every event in memory (`events`, `toJsonl()`). Default true. Turn it off for long runs and
   * benchmarks: the digest is still computed incrementally.
   */
  readonly keepEvents?: boolean;
}

/** Receives every recorded event, in order. */
export type TraceListener = (event: TraceEvent) => void;

/**
 * The run's event log. Each event is stamped with virtual time `t` and a run-wide `seq`, written as
 * one canonical JSON line (sorted keys, bigint as decimal string) and fed to a running SHA-256, so
 * `digest()` costs one hash copy no matter how long the run was. Same seed ⇒ same lines ⇒ same
 * digest.
 */
export class Trace {
  readonly #now: () => number;
  readonly #keep: boolean;
  readonly #events: TraceEvent[] = [];
  readonly #hash: Hash = createHash("sha256");
  readonly #listeners = new Set<TraceListener>();
  #seq = 0;

  /**
   * @param now - the virtual clock that stamps events.
   * @param options - see {@link TraceOptions}.
   */
  constructor(now: () => number, options: TraceOptions = {}) {
    if (typeof now !== "function") throw new TypeError("Trace needs a now() function");
    if (options.keepEvents !== undefined && typeof options.keepEvents !== "boolean") {
      throw new TypeError(`keepEvents must be a boolean, received ${typeof options.keepEvents}`);
    }
    this.#now = now;
    this.#keep = options.keepEvents ?? true;
  }

  /** Whether events are kept in memory. */
  get keepsEvents(): boolean {
    return this.#keep;
  }

  /** Events recorded so far (empty when `keepEvents` is false). */
  get events(): readonly TraceEvent[] {
    return this.#events;
  }

  /** How many events were recorded, kept or not. */
  get size(): number {
    return this.#seq;
  }

  /**
   * Records one event at the current virtual time and returns it.
   *
   * @param source - who emitted it (`net`, `kernel`, a component or server name).
   * @param kind - what happened, dotted (`net.connect`, `lease.granted`).
   * @param data - JSON-compatible details; bigint is written as a decimal string.
   * @throws TypeError for a non-string source/kind or data JSON cannot represent.
   */
  record(
    source: string,
    kind: string,
    data: { readonly [key: string]: TraceValue } = {},
  ): TraceEvent {
    if (typeof source !== "string" || typeof kind !== "string") {
      throw new TypeError("trace.record(source, kind, data) needs string source and kind");
    }
    const event: TraceEvent = { t: this.#now(), seq: this.#seq, source, kind, data };
    // Serialise before counting so a rejected event leaves no gap in `seq`.
    const line = canonicalJson(event);
    this.#seq++;
    this.#hash.update(line);
    this.#hash.update("\n");
    if (this.#keep) this.#events.push(event);
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  /** SHA-256 (hex) of the canonical JSONL of every event so far. Cheap: copies the running hash. */
  digest(): string {
    return this.#hash.copy().digest("hex");
  }

  /**
   * The kept events as canonical JSONL (one event per line, each line ending in `\n`).
   *
   * @throws Error when the trace was created with `keepEvents: false`.
   */
  toJsonl(): string {
    if (!this.#keep) throw new Error("toJsonl() needs a trace created with keepEvents: true");
    let out = "";
    for (const event of this.#events) out += `${canonicalJson(event)}\n`;
    return out;
  }

  /** Calls `listener` for every later event; returns a function that unsubscribes it. */
  subscribe(listener: TraceListener): () => void {
    if (typeof listener !== "function") throw new TypeError("subscribe(listener) needs a function");
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
