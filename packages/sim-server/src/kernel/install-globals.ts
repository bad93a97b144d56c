import type { TimerHandle } from "@dsim/core";
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

/**
 * Replaces the global timers, `Date` and `performance.now` with versions driven by `clock`.
 *
 * `Date` comes from `@sinonjs/fake-timers`' `createClock`, whose clock reads virtual time, so
 * `new Date()`, `Date.now()` and `Intl` formatting see `epochMs + clock.now()`. `performance.now()`
 * returns `clock.now()`. `setImmediate`, `queueMicrotask` and `process.nextTick` are left alone:
 * they are not time, and the run loop drains them after every event anyway.
 *
 * Only one installation may be active at a time; disposing the result restores the originals.
 *
 * @throws Error when another installation is active.
 */
export function installGlobals(clock: OwnedClock, epochMs: number): Disposable {
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
  installedBy = clock.owner;

  let disposed = false;
  return {
    [Symbol.dispose](): void {
      if (disposed) return;
      disposed = true;
      for (const timer of timers.values()) clear(timer);
      for (const [name, descriptor] of saved) {
        if (descriptor === undefined) delete g[name];
        else Object.defineProperty(g, name, descriptor);
      }
      if (savedPerfNow === undefined) delete perf.now;
      else Object.defineProperty(perf, "now", savedPerfNow);
      installedBy = undefined;
    },
  };
}
