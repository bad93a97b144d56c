import type { Random, TimerHandle } from "@dsim/core";
import { createClock } from "@sinonjs/fake-timers";
import type { OwnedClock } from "./contracts.js";

type Callback = (...args: unknown[]) => void;

/** What a Node `Timeout` offers that third-party code commonly calls. */
class GlobalTimer {
  inner: TimerHandle | undefined;
  constructor(
    readonly id: number,
    readonly repeat: boolean,
    readonly rearm: (timer: GlobalTimer) => void,
  ) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  refresh(): this {
    if (this.inner !== undefined) this.rearm(this);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

let installedBy: string | undefined;

const TIMER_GLOBALS = [
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "Date",
] as const;

/** What {@link installGlobals} needs besides the timer clock. */
export interface GlobalsSources {
  /** Drives `Math.random` (a stream forked for the globals, so other components' draws do not shift). */
  readonly random: Random;
  /** Drives `AbortSignal.timeout` (its own owner, so leak reports name it). */
  readonly abortClock: OwnedClock;
}

/** Node's `AbortSignal.timeout` validation: an integer delay in [0, 2^32 - 1] ms. */
function requireAbortDelay(ms: unknown): number {
  if (typeof ms !== "number") {
    throw new TypeError(`The "delay" argument must be of type number. Received ${typeof ms}`);
  }
  if (!Number.isInteger(ms) || ms < 0 || ms > 0xffff_ffff) {
    throw new RangeError(
      `The value of "delay" is out of range. It must be >= 0 && <= 4294967295. Received ${ms}`,
    );
  }
  return ms;
}

/**
 * Replaces the global timers, `Date`, `performance.now`, `AbortSignal.timeout` and `Math.random`
 * with versions driven by `clock` and `sources`.
 *
 * `Date` comes from `@sinonjs/fake-timers`' `createClock`, whose clock reads virtual time, so
 * `new Date()`, `Date.now()` and `Intl` formatting see `epochMs + clock.now()`. `performance.now()`
 * returns `clock.now()`. `AbortSignal.timeout(ms)` aborts with a `TimeoutError` `DOMException`
 * after `ms` of virtual time (a timer of `sources.abortClock`; Node's own one runs on real time and
 * is invisible to leak checks). `Math.random()` draws from `sources.random`. `setImmediate`,
 * `queueMicrotask` and `process.nextTick` are left alone: they are not time, and the run loop
 * drains them after every event anyway.
 *
 * Only one installation may be active at a time; disposing the result restores the originals.
 *
 * @throws Error when another installation is active.
 */
export function installGlobals(
  clock: OwnedClock,
  epochMs: number,
  sources: GlobalsSources,
): Disposable {
  if (installedBy !== undefined) {
    throw new Error(
      `installGlobals: globals are already installed (by ${installedBy}); dispose that first`,
    );
  }
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = new Map<string, PropertyDescriptor | undefined>();
  for (const name of TIMER_GLOBALS) saved.set(name, Object.getOwnPropertyDescriptor(g, name));
  const perf = globalThis.performance as unknown as Record<string, unknown>;
  const savedPerfNow = Object.getOwnPropertyDescriptor(perf, "now");
  const signalClass = AbortSignal as unknown as Record<string, unknown>;
  const savedTimeout = Object.getOwnPropertyDescriptor(signalClass, "timeout");
  const math = Math as unknown as Record<string, unknown>;
  const savedRandom = Object.getOwnPropertyDescriptor(math, "random");
  const abortTimers = new Set<TimerHandle>();

  const fake = createClock(epochMs);
  // fake-timers' Date reads `clock.now`; make it follow virtual time instead of fake-timers' own.
  Object.defineProperty(fake, "now", {
    configurable: true,
    get: () => epochMs + clock.now(),
    set: () => {},
  });

  const timers = new Map<number, GlobalTimer>();
  let nextId = 1;
  const delays = new WeakMap<GlobalTimer, { fn: Callback; ms: number; args: unknown[] }>();

  const arm = (timer: GlobalTimer): void => {
    const spec = delays.get(timer);
    if (spec === undefined) return;
    if (timer.inner !== undefined) clock.clearTimeout(timer.inner);
    timer.inner = clock.setTimeout(() => {
      if (timer.repeat) {
        // Node re-arms an interval after its callback; a clearInterval inside it wins.
        timer.inner = undefined;
        spec.fn(...spec.args);
        if (timers.has(timer.id) && timer.inner === undefined) arm(timer);
      } else {
        timers.delete(timer.id);
        timer.inner = undefined;
        spec.fn(...spec.args);
      }
    }, spec.ms);
  };

  const create = (repeat: boolean, fn: unknown, ms: unknown, args: unknown[]): GlobalTimer => {
    if (typeof fn !== "function") {
      throw new TypeError(
        `The "callback" argument must be of type function. Received ${typeof fn}`,
      );
    }
    const timer = new GlobalTimer(nextId++, repeat, arm);
    delays.set(timer, { fn: fn as Callback, ms: Number(ms ?? 0), args });
    timers.set(timer.id, timer);
    arm(timer);
    return timer;
  };

  const clear = (handle: unknown): void => {
    const timer =
      handle instanceof GlobalTimer
        ? handle
        : typeof handle === "number" || typeof handle === "string"
          ? timers.get(Number(handle))
          : undefined;
    if (timer === undefined) return;
    timers.delete(timer.id);
    if (timer.inner !== undefined) clock.clearTimeout(timer.inner);
    timer.inner = undefined;
  };

  const replace = (name: string, value: unknown): void => {
    Object.defineProperty(g, name, { configurable: true, writable: true, enumerable: true, value });
  };
  replace("setTimeout", (fn: unknown, ms?: unknown, ...args: unknown[]) =>
    create(false, fn, ms, args),
  );
  replace("setInterval", (fn: unknown, ms?: unknown, ...args: unknown[]) =>
    create(true, fn, ms, args),
  );
  replace("clearTimeout", clear);
  replace("clearInterval", clear);
  Object.defineProperty(g, "Date", {
    configurable: true,
    writable: true,
    enumerable: false,
    value: fake.Date,
  });
  Object.defineProperty(perf, "now", {
    configurable: true,
    writable: true,
    value: () => clock.now(),
  });
  Object.defineProperty(signalClass, "timeout", {
    configurable: true,
    writable: true,
    value: (ms: unknown): AbortSignal => {
      const delay = requireAbortDelay(ms);
      const controller = new AbortController();
      const handle = sources.abortClock.setTimeout(() => {
        abortTimers.delete(handle);
        controller.abort(
          new DOMException("The operation was aborted due to timeout", "TimeoutError"),
        );
      }, delay);
      abortTimers.add(handle);
      return controller.signal;
    },
  });
  Object.defineProperty(math, "random", {
    configurable: true,
    writable: true,
    value: () => sources.random.next(),
  });
  installedBy = clock.owner;

  let disposed = false;
  return {
    [Symbol.dispose](): void {
      if (disposed) return;
      disposed = true;
      for (const timer of timers.values()) clear(timer);
      for (const handle of abortTimers) sources.abortClock.clearTimeout(handle);
      abortTimers.clear();
      for (const [name, descriptor] of saved) {
        if (descriptor === undefined) delete g[name];
        else Object.defineProperty(g, name, descriptor);
      }
      if (savedPerfNow === undefined) delete perf.now;
      else Object.defineProperty(perf, "now", savedPerfNow);
      if (savedTimeout === undefined) delete signalClass.timeout;
      else Object.defineProperty(signalClass, "timeout", savedTimeout);
      if (savedRandom === undefined) delete math.random;
      else Object.defineProperty(math, "random", savedRandom);
      installedBy = undefined;
    },
  };
}
