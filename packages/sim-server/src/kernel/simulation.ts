import type { Logger } from "@dsim/core";
import { VirtualNetwork } from "../net/virtual-network.js";
import { type InstallSocketsOptions, installSockets } from "../sockets/install-sockets.js";
import type { OwnedClock, TraceValue } from "./contracts.js";
import { type GlobalFetchOptions, installGlobalFetch } from "./global-fetch.js";
import { installGlobals as installGlobalTimers } from "./install-globals.js";
import { driveSteps, type RealIoStepping } from "./macrotask.js";
import { installNativeBarrier } from "./native-barrier.js";
import { RealIoTracker } from "./real-io.js";
import { Sfc32Random } from "./seeded-random.js";
import { SimulationError } from "./simulation-error.js";
import { Trace } from "./trace.js";
import { createTraceLogger } from "./trace-logger.js";
import { VirtualClock } from "./virtual-clock.js";

/** Options of {@link Simulation}. */
export interface SimulationOptions {
  /** The run's uint32 seed: every random stream of the world derives from it. */
  readonly seed: number;
  /** Timer events allowed over the simulation's life before it is declared a livelock. Default 10 000 000. */
  readonly maxEvents?: number;
  /** Timer events allowed at one virtual instant before it is declared a livelock. Default 100 000. */
  readonly maxEventsPerInstant?: number;
  /** Keep trace events in memory (default true); see `TraceOptions.keepEvents`. */
  readonly keepEvents?: boolean;
  /** Record a `kernel.timer-fire` event for every timer fired (default false: it is costly). */
  readonly traceTimers?: boolean;
  /** Trace every network delivery (`net.deliver`, `net.datagram`). Default false: it is costly. */
  readonly traceMessages?: boolean;
  /** Wall-clock epoch (ms) that virtual time 0 maps to for the fake `Date`. Default 2025-01-01T00:00:00Z. */
  readonly epochMs?: number;
  /**
   * While real I/O (virtual sockets) exists: consecutive quiet event-loop turns required before the
   * next timer fires. Default 2.
   */
  readonly quietTurns?: number;
  /**
   * While real I/O exists: event-loop turns in a row with activity after which the run fails with
   * `LIVELOCK` (the sockets never went quiet). Default 100 000.
   */
  readonly maxBusyTurns?: number;
}

/** Options of {@link Simulation.runUntil}. */
export interface RunUntilOptions {
  /** Virtual ms after which the run fails with `TIMEOUT`. Default 3 600 000 (one hour). */
  readonly timeoutMs?: number;
}

/** Options of {@link Simulation.runUntilIdle}. */
export interface RunUntilIdleOptions {
  /** Stop (without failing) once the next timer is more than `limitMs` virtual ms away. */
  readonly limitMs?: number;
}

const DEFAULT_MAX_EVENTS = 10_000_000;
const DEFAULT_MAX_EVENTS_PER_INSTANT = 100_000;
const DEFAULT_RUN_UNTIL_TIMEOUT_MS = 3_600_000;
const DEFAULT_EPOCH_MS = Date.UTC(2025, 0, 1);
const DEFAULT_QUIET_TURNS = 2;
const DEFAULT_MAX_BUSY_TURNS = 100_000;

function requireLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !(value >= 1) ||
    (!Number.isInteger(value) && value !== Infinity)
  ) {
    throw new RangeError(
      `${name} must be an integer >= 1 (or Infinity), received ${String(value)}`,
    );
  }
  return value;
}

function requireDuration(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number of ms >= 0, received ${String(value)}`);
  }
  return value;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Options of {@link Simulation.installGlobals}. */
export interface InstallGlobalsOptions {
  /** Also replace `globalThis.fetch` with a virtual one bound to this host on `sim.net`. */
  readonly fetch?: GlobalFetchOptions;
}

/**
 * The deterministic world: virtual time, seeded randomness, the run loop and the trace. A run is a
 * pure function of the seed: same seed ⇒ same order of events ⇒ same trace digest.
 *
 * Time moves only inside `runFor`/`runUntil`/`runUntilIdle`, which fire one due timer at a time
 * and let every promise job it caused settle before the next one (see `driveSteps`).
 */
export class Simulation {
  /** The run's uint32 seed. */
  readonly seed: number;
  /** The root random stream; prefer {@link Simulation.randomFor} per component. */
  readonly random: Sfc32Random;
  /** The run's event log. */
  readonly trace: Trace;
  /** The clock view of owner `"world"` (for the workload and the harness). */
  readonly clock: OwnedClock;
  /** The virtual network (its deliveries are timers of owner `"net"`, its draws stream `"net"`). */
  readonly net: VirtualNetwork;
  /**
   * Real I/O resources (virtual sockets) registered with the run loop: while any is open, the loop
   * fires one timer per step and turns the real event loop until they are quiet in between.
   */
  readonly realIo: RealIoTracker = new RealIoTracker();

  readonly #clock: VirtualClock;
  readonly #maxEvents: number;
  readonly #maxPerInstant: number;
  readonly #traceTimers: boolean;
  readonly #epochMs: number;
  readonly #stepping: RealIoStepping;
  #globalsRandom: Sfc32Random | undefined;
  readonly #tasks = new Set<string>();
  #taskSeq = 0;
  #events = 0;
  #instantAt = Number.NaN;
  #instantCount = 0;
  #failure: SimulationError | undefined;
  #running: string | undefined;
  #closed = false;

  constructor(options: SimulationOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("Simulation needs an options object with a seed");
    }
    this.random = new Sfc32Random(options.seed);
    this.seed = options.seed;
    this.#maxEvents = requireLimit("maxEvents", options.maxEvents, DEFAULT_MAX_EVENTS);
    this.#maxPerInstant = requireLimit(
      "maxEventsPerInstant",
      options.maxEventsPerInstant,
      DEFAULT_MAX_EVENTS_PER_INSTANT,
    );
    if (options.traceTimers !== undefined && typeof options.traceTimers !== "boolean") {
      throw new TypeError(`traceTimers must be a boolean, received ${typeof options.traceTimers}`);
    }
    this.#traceTimers = options.traceTimers ?? false;
    if (options.epochMs !== undefined && !Number.isFinite(options.epochMs)) {
      throw new RangeError(`epochMs must be a finite number, received ${String(options.epochMs)}`);
    }
    this.#epochMs = options.epochMs ?? DEFAULT_EPOCH_MS;
    this.#stepping = {
      tracker: this.realIo,
      quietTurns: requireLimit("quietTurns", options.quietTurns, DEFAULT_QUIET_TURNS),
      maxBusyTurns: requireLimit("maxBusyTurns", options.maxBusyTurns, DEFAULT_MAX_BUSY_TURNS),
      tooBusy: (turns) =>
        new SimulationError(
          "LIVELOCK",
          `livelock: real I/O (${this.realIo.openCount} virtual socket(s)) stayed busy for ${turns} event-loop turns in a row at t=${this.now()} (maxBusyTurns); ${this.#timersText()}`,
          this.now(),
        ),
    };
    this.#clock = new VirtualClock((owner, requested, used) => {
      this.trace.record("kernel", "kernel.timer-clamped", {
        owner,
        requested: String(requested),
        delay: used,
      });
    });
    this.trace = new Trace(
      () => this.#clock.now(),
      options.keepEvents === undefined ? {} : { keepEvents: options.keepEvents },
    );
    this.clock = this.#clock.clockFor("world");
    if (options.traceMessages !== undefined && typeof options.traceMessages !== "boolean") {
      throw new TypeError(
        `traceMessages must be a boolean, received ${typeof options.traceMessages}`,
      );
    }
    this.net = new VirtualNetwork({
      scheduler: this.#clock.schedulerFor("net"),
      random: this.random.fork("net"),
      trace: this.trace,
      traceMessages: options.traceMessages ?? false,
    });
  }

  /** Virtual ms since the start (starts at 0). */
  now(): number {
    return this.#clock.now();
  }

  /** The clock view of `owner`: same time, its own pending-timer count. Same name ⇒ same view. */
  clockFor(owner: string): OwnedClock {
    return this.#clock.clockFor(owner);
  }

  /** Pending timers of every owner, or of one owner. */
  pendingTimers(owner?: string): number {
    return this.#clock.pendingTimers(owner);
  }

  /** Owners that still hold timers, sorted (the leak report). */
  timerOwners(): string[] {
    return this.#clock.timerOwners();
  }

  /** The random stream named `name`: `random.fork(name)`, independent of every other stream. */
  randomFor(name: string): Sfc32Random {
    return this.random.fork(name);
  }

  /** A core `Logger` that records into the trace under `source` (`log.<level>` events). */
  loggerFor(source: string): Logger {
    return createTraceLogger(this.trace, source);
  }

  /** Timer events fired so far. */
  get eventsFired(): number {
    return this.#events;
  }

  /** Names of spawned tasks that have not settled yet. */
  pendingTasks(): string[] {
    return [...this.#tasks].sort();
  }

  /** Wall-clock epoch (ms) that virtual time 0 maps to in the fake `Date`. */
  get epochMs(): number {
    return this.#epochMs;
  }

  /**
   * Starts a workload task. Its rejection (or synchronous throw) is traced as `kernel.task-failed`
   * and makes the current or next `run*`/`settle` call reject with `TASK_FAILED`. Returns the
   * task's promise, already handled, so not awaiting it is safe.
   */
  spawn<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (typeof name !== "string" || name.length === 0) {
      throw new TypeError("spawn(name, fn) needs a non-empty name");
    }
    if (typeof fn !== "function") throw new TypeError("spawn(name, fn) needs a function");
    this.#assertOpen();
    const key = `${name}#${this.#taskSeq++}`;
    let promise: Promise<T>;
    try {
      promise = fn();
    } catch (error) {
      promise = Promise.reject(error);
    }
    this.#tasks.add(key);
    const settled = Promise.resolve(promise);
    // This handler is what makes the task's rejection "handled"; its own promise cannot reject.
    void settled.then(
      () => {
        this.#tasks.delete(key);
      },
      (error: unknown) => {
        this.#tasks.delete(key);
        this.trace.record("kernel", "kernel.task-failed", { task: name, error: errorText(error) });
        this.#failure ??= new SimulationError(
          "TASK_FAILED",
          `task "${name}" failed at t=${this.now()}: ${errorText(error)}`,
          this.now(),
          { cause: error },
        );
      },
    );
    return settled;
  }

  /** Lets pending promise jobs settle; time does not move. */
  settle(): Promise<void> {
    return this.#drive("settle", () => {
      this.#throwFailure();
      return true;
    });
  }

  /**
   * Advances time by `ms`: fires each timer due up to `now + ms` in order, settling promise jobs
   * after each, then leaves the clock at exactly `now + ms`.
   */
  runFor(ms: number): Promise<void> {
    requireDuration("runFor(ms)", ms);
    const target = this.now() + ms;
    return this.#drive("runFor", () => {
      this.#throwFailure();
      const next = this.#clock.nextDueAt();
      if (next === undefined || next > target) {
        this.#clock.advanceTo(target);
        return true;
      }
      this.#fire(next);
      return false;
    });
  }

  /**
   * Steps until `predicate()` is true (checked after every settle, first before any timer fires).
   *
   * @throws SimulationError `STALL` when no timer is pending and the predicate is false, `TIMEOUT`
   *   when the next timer lies beyond `timeoutMs` of virtual time (the clock is left at the deadline).
   */
  runUntil(predicate: () => boolean, options: RunUntilOptions = {}): Promise<void> {
    if (typeof predicate !== "function")
      throw new TypeError("runUntil(predicate) needs a function");
    const timeoutMs = requireDuration(
      "timeoutMs",
      options.timeoutMs ?? DEFAULT_RUN_UNTIL_TIMEOUT_MS,
    );
    const start = this.now();
    const deadline = start + timeoutMs;
    return this.#drive("runUntil", () => {
      this.#throwFailure();
      if (predicate()) return true;
      const next = this.#clock.nextDueAt();
      if (next === undefined) {
        throw new SimulationError(
          "STALL",
          `runUntil stalled at t=${this.now()}: the predicate is still false and no timer is pending, so nothing can change${this.#tasksText()}`,
          this.now(),
        );
      }
      if (next > deadline) {
        this.#clock.advanceTo(deadline);
        throw new SimulationError(
          "TIMEOUT",
          `runUntil timed out after ${timeoutMs} ms of virtual time (t=${this.now()}): the predicate is still false; ${this.#timersText()}`,
          this.now(),
        );
      }
      this.#fire(next);
      return false;
    });
  }

  /**
   * Steps until no timer is pending, or (with `limitMs`) until the next timer is more than
   * `limitMs` virtual ms after the start, in which case the clock is left at that limit.
   *
   * @returns true when the world became idle, false when the limit stopped it.
   */
  async runUntilIdle(options: RunUntilIdleOptions = {}): Promise<boolean> {
    const limit =
      options.limitMs === undefined
        ? Infinity
        : this.now() + requireDuration("limitMs", options.limitMs);
    let idle = false;
    await this.#drive("runUntilIdle", () => {
      this.#throwFailure();
      const next = this.#clock.nextDueAt();
      if (next === undefined) {
        idle = true;
        return true;
      }
      if (next > limit) {
        this.#clock.advanceTo(limit);
        return true;
      }
      this.#fire(next);
      return false;
    });
    return idle;
  }

  /**
   * Replaces the global `setTimeout`/`clearTimeout`/`setInterval`/`clearInterval`, `Date` and
   * `performance.now` with virtual ones (owner `"globals"`), `AbortSignal.timeout` with one on
   * virtual time (owner `"globals.abort-timeout"`) and `Math.random` with the seeded stream
   * `randomFor("globals.Math.random")` (one stream per simulation, continued across installs), for
   * third-party code that uses them. It also installs the native barrier
   * ({@link Simulation.installNativeBarrier}: WebCrypto, `node:crypto` and `node:zlib` thread-pool
   * work holds virtual time and completes in start order) and, with `options.fetch`, replaces
   * `globalThis.fetch` with a virtual `fetch` bound to `options.fetch.fromHost` (a URL whose host
   * is not on `sim.net` rejects with `VirtualFetchTargetError`). Dispose the result to restore the
   * originals. The run loop keeps working meanwhile.
   *
   * @throws Error when globals (or a native barrier) are already installed.
   * @throws TypeError when `options.fetch.fromHost` is not a non-empty string.
   */
  installGlobals(options: InstallGlobalsOptions = {}): Disposable {
    this.#assertOpen();
    if (typeof options !== "object" || options === null) {
      throw new TypeError("installGlobals: options must be an object");
    }
    this.#globalsRandom ??= this.randomFor("globals.Math.random");
    const undo: Disposable[] = [];
    const dispose = (): void => {
      for (const part of undo.reverse()) part[Symbol.dispose]();
    };
    try {
      undo.push(
        installGlobalTimers(this.#clock.clockFor("globals"), this.#epochMs, {
          random: this.#globalsRandom,
          abortClock: this.#clock.clockFor("globals.abort-timeout"),
        }),
      );
      undo.push(installNativeBarrier(this.realIo));
      if (options.fetch !== undefined) undo.push(installGlobalFetch(this, options.fetch));
    } catch (error) {
      dispose();
      throw error;
    }
    let disposed = false;
    return {
      [Symbol.dispose]: () => {
        if (disposed) return;
        disposed = true;
        dispose();
      },
    };
  }

  /**
   * Installs only the native barrier (`installGlobals` includes it): while WebCrypto
   * (`crypto.subtle`), `node:crypto` thread-pool callbacks (`pbkdf2`, `scrypt`, `randomBytes`,
   * `generateKeyPair`, …) or `node:zlib` one-shot callbacks are in flight, they count as real I/O
   * (the run loop does not move virtual time), and their results are delivered in start order.
   * Dispose the result to restore. See `installNativeBarrier`.
   *
   * @throws Error when a barrier is already installed.
   */
  installNativeBarrier(): Disposable {
    this.#assertOpen();
    return installNativeBarrier(this.realIo);
  }

  /**
   * Routes `net.connect`/`net.createConnection` (ESM bindings included) to virtual sockets for
   * hosts on `sim.net`, answers `dns.lookup` for them, and turns every other connect, TLS connect or
   * DNS name into an explicit error (see `installSockets`). Dispose the result to restore.
   */
  installSockets(options: InstallSocketsOptions = {}): Disposable {
    this.#assertOpen();
    return installSockets(this, options);
  }

  /**
   * Closes the network (pending connects reject with `ECONNRESET`), drops every timer and refuses
   * further runs. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#clock.clearAll();
    await this.net.close();
  }

  /** Same as {@link Simulation.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Records a kernel event (used by the network and other parts of the world). */
  recordKernel(kind: string, data: { readonly [key: string]: TraceValue } = {}): void {
    this.trace.record("kernel", kind, data);
  }

  #drive(name: string, step: () => boolean): Promise<void> {
    if (this.#closed) {
      return Promise.reject(
        new SimulationError("CLOSED", `${name}: the simulation is closed`, this.now()),
      );
    }
    if (this.#running !== undefined) {
      return Promise.reject(
        new SimulationError(
          "BUSY",
          `${name} called while ${this.#running} is still running (await it first; do not call run* from inside the world)`,
          this.now(),
        ),
      );
    }
    this.#running = name;
    const release = (): void => {
      this.#running = undefined;
    };
    return driveSteps(() => {
      if (this.#closed)
        throw new SimulationError(
          "CLOSED",
          `${name}: the simulation was closed while running`,
          this.now(),
        );
      return step();
    }, this.#stepping).finally(release);
  }

  #assertOpen(): void {
    if (this.#closed) throw new SimulationError("CLOSED", "the simulation is closed", this.now());
  }

  #throwFailure(): void {
    const failure = this.#failure;
    if (failure !== undefined) {
      this.#failure = undefined;
      throw failure;
    }
  }

  #fire(at: number): void {
    if (at === this.#instantAt) {
      if (this.#instantCount >= this.#maxPerInstant) {
        throw new SimulationError(
          "LIVELOCK",
          `livelock: more than ${this.#maxPerInstant} timer events at t=${at} (maxEventsPerInstant); ${this.#timersText()}`,
          at,
        );
      }
      this.#instantCount++;
    } else {
      this.#instantAt = at;
      this.#instantCount = 1;
    }
    if (this.#events >= this.#maxEvents) {
      throw new SimulationError(
        "LIVELOCK",
        `livelock: more than ${this.#maxEvents} timer events in total (maxEvents) at t=${this.now()}; ${this.#timersText()}`,
        this.now(),
      );
    }
    this.#events++;
    try {
      this.#clock.fireNext(this.#traceTimers ? this.#traceFire : undefined);
    } catch (error) {
      this.trace.record("kernel", "kernel.timer-error", { error: errorText(error) });
      throw new SimulationError(
        "TIMER_FAILED",
        `a timer callback threw at t=${this.now()}: ${errorText(error)}`,
        this.now(),
        { cause: error },
      );
    }
  }

  readonly #traceFire = (owner: string): void => {
    this.trace.record("kernel", "kernel.timer-fire", { owner });
  };

  #timersText(): string {
    const owners = this.#clock.timerOwners();
    return `${this.#clock.pendingTimers()} timer(s) pending (owners: ${owners.length === 0 ? "none" : owners.join(", ")})`;
  }

  #tasksText(): string {
    const tasks = this.pendingTasks();
    return tasks.length === 0 ? "" : `; tasks still pending: ${tasks.join(", ")}`;
  }
}
