import type { OwnedClock, TraceValue } from "../kernel/contracts.js";

/** A fault as data: when it starts (virtual ms after scheduling) and how long it lasts. */
export interface TimedFault {
  /** Start, in virtual ms after {@link FaultSchedule.schedule} was called. */
  readonly at: number;
  /** How long it lasts; absent for a fault that is over when applied (a reset, a GOAWAY). */
  readonly durationMs?: number;
  /** A short name for the trace and the timeline (e.g. `"partition"`). */
  readonly kind: string;
}

/** Starts one fault; returns what ends it (called after `durationMs`, or by `healAll`). */
export type FaultStarter<F extends TimedFault> = (fault: F) => (() => void) | undefined;

/** What a {@link FaultSchedule} needs of the world; a `Simulation` satisfies it. */
export interface FaultWorld {
  clockFor(owner: string): OwnedClock;
  readonly trace: {
    record(source: string, kind: string, data?: { readonly [key: string]: TraceValue }): void;
  };
}

function traceable(fault: TimedFault): { readonly [key: string]: TraceValue } {
  const data: Record<string, TraceValue> = {};
  for (const [key, value] of Object.entries(fault)) {
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
      data[key] = value as TraceValue;
    } else if (typeof value === "bigint") {
      data[key] = String(value);
    }
  }
  return data;
}

/**
 * Executes a fault plan — a list of plain `{ at, durationMs?, kind, … }` objects, as a fast-check
 * arbitrary generates and shrinks them — on the world's own clock (owner `"faults"`): the client
 * under test never knows a fault is coming. Each fault starts at `at` through `start`, and the
 * function `start` returns ends it after `durationMs`. Starts and ends are traced (`fault`
 * source), so they show in the trace, the digest and the HTML timeline.
 *
 * @example
 * ```ts
 * const faults = new FaultSchedule(sim, startNetFault(sim.net));
 * faults.schedule([{ kind: "partition", at: 5_000, durationMs: 20_000, a: "client", b: "etcd-1" }]);
 * ```
 */
export class FaultSchedule<F extends TimedFault> {
  readonly #world: FaultWorld;
  readonly #clock: OwnedClock;
  readonly #start: FaultStarter<F>;
  readonly #pending = new Set<ReturnType<OwnedClock["setTimeout"]>>();
  readonly #active = new Map<number, () => void>();
  #next = 0;

  constructor(world: FaultWorld, start: FaultStarter<F>) {
    if (typeof start !== "function") throw new TypeError("FaultSchedule: start must be a function");
    this.#world = world;
    this.#clock = world.clockFor("faults");
    this.#start = start;
  }

  /** Faults started and not ended yet. */
  get active(): number {
    return this.#active.size;
  }

  /**
   * Schedules every fault of `plan`, times relative to now.
   *
   * @throws RangeError naming the fault when `at` or `durationMs` is negative or not finite.
   */
  schedule(plan: readonly F[]): void {
    for (const fault of plan) {
      for (const field of ["at", "durationMs"] as const) {
        const value = fault[field];
        if (value === undefined && field === "durationMs") continue;
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
          throw new RangeError(
            `FaultSchedule: fault "${fault.kind}" needs ${field} >= 0, got ${String(value)}`,
          );
        }
      }
    }
    for (const fault of plan) {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(timer);
        this.#begin(fault);
      }, fault.at);
      this.#pending.add(timer);
    }
  }

  /** Ends every active fault now and cancels the ones not started yet (the liveness phase). */
  healAll(): void {
    for (const timer of this.#pending) this.#clock.clearTimeout(timer);
    this.#pending.clear();
    for (const id of [...this.#active.keys()]) this.#end(id);
    this.#world.trace.record("fault", "heal-all", {});
  }

  #begin(fault: F): void {
    const id = this.#next++;
    this.#world.trace.record("fault", `${fault.kind}.start`, { id, ...traceable(fault) });
    const end = this.#start(fault);
    if (end === undefined) return;
    this.#active.set(id, end);
    if (fault.durationMs === undefined) return;
    const timer = this.#clock.setTimeout(() => {
      this.#pending.delete(timer);
      this.#end(id);
    }, fault.durationMs);
    this.#pending.add(timer);
  }

  #end(id: number): void {
    const end = this.#active.get(id);
    if (end === undefined) return;
    this.#active.delete(id);
    end();
    this.#world.trace.record("fault", "end", { id });
  }
}
