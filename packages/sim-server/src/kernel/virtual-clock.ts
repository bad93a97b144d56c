import type { TimerHandle } from "@dsim/core";
import type { OwnedClock } from "./contracts.js";
import { isSuspiciousDelay, normalizeDelay } from "./timer-delay.js";
import { type TimerEntry, type TimerOwner, TimerQueue } from "./timer-queue.js";

/** A timer of one {@link VirtualClock}; the object is the handle callers receive. */
class ScheduledTimer implements TimerEntry {
  callback: (() => void) | null;
  constructor(
    readonly clock: VirtualClock,
    readonly at: number,
    readonly seq: number,
    callback: () => void,
    readonly owner: TimerOwner,
  ) {
    this.callback = callback;
  }
}

/** Exact-time scheduling for the world's own machinery (the network). */
export interface Scheduler {
  /** Current virtual time. */
  now(): number;
  /** Runs `callback` at virtual time `at` (or now, if `at` is in the past). */
  at(at: number, callback: () => void): TimerHandle;
  /** Cancels a timer made by {@link Scheduler.at}; unknown handles are ignored. */
  cancel(handle: TimerHandle): void;
}

/** Called when a timer asks for a delay Node would warn about (see `isSuspiciousDelay`). */
export type ClampListener = (owner: string, requested: number, used: number) => void;

/**
 * Virtual time and the timers that wait on it. Time moves only through {@link VirtualClock.fireNext}
 * and {@link VirtualClock.advanceTo}, both driven by the simulation's run loop.
 *
 * Timers follow Node: delays are normalised (see `normalizeDelay`), a timer created at `t` with
 * delay `d` fires at `t + d`, and timers due at the same instant fire in creation order.
 */
export class VirtualClock {
  #now = 0;
  #seq = 0;
  readonly #queue = new TimerQueue();
  readonly #owners = new Map<string, OwnedClockView>();
  #onClamp: ClampListener | undefined;

  /**
   * @param onClamp - told about delays Node would warn about (the simulation traces them).
   */
  constructor(onClamp?: ClampListener) {
    this.#onClamp = onClamp;
  }

  /** Current virtual time in ms. */
  now(): number {
    return this.#now;
  }

  /** The view for `owner`; the same name always returns the same view. */
  clockFor(owner: string): OwnedClock {
    if (typeof owner !== "string" || owner.length === 0) {
      throw new TypeError(`owner must be a non-empty string, received ${String(owner)}`);
    }
    let view = this.#owners.get(owner);
    if (view === undefined) {
      view = new OwnedClockView(this, owner);
      this.#owners.set(owner, view);
    }
    return view;
  }

  /** Schedules `callback` after `ms` (normalised) on behalf of `owner`. */
  schedule(owner: TimerOwner, callback: () => void, ms: number): TimerHandle {
    if (typeof callback !== "function") {
      throw new TypeError(`setTimeout callback must be a function, received ${typeof callback}`);
    }
    const delay = normalizeDelay(ms);
    if (this.#onClamp !== undefined && isSuspiciousDelay(ms)) this.#onClamp(owner.owner, ms, delay);
    const timer = new ScheduledTimer(this, this.#now + delay, this.#seq++, callback, owner);
    owner.pending++;
    this.#queue.push(timer);
    return timer;
  }

  /**
   * Schedules `callback` at absolute virtual time `at` (not before now) on behalf of `owner`,
   * without Node's 1 ms minimum: used by the world itself (the network delivers at exact instants).
   */
  scheduleAt(owner: TimerOwner, at: number, callback: () => void): TimerHandle {
    if (!Number.isFinite(at))
      throw new RangeError(`scheduleAt needs a finite time, received ${at}`);
    const timer = new ScheduledTimer(this, Math.max(at, this.#now), this.#seq++, callback, owner);
    owner.pending++;
    this.#queue.push(timer);
    return timer;
  }

  /** An exact-time {@link Scheduler} whose timers count towards `owner`. */
  schedulerFor(owner: string): Scheduler {
    const view = this.clockFor(owner) as OwnedClockView;
    const counter = view.counter;
    return {
      now: () => this.#now,
      at: (at, callback) => this.scheduleAt(counter, at, callback),
      cancel: (handle) => this.cancel(handle),
    };
  }

  /** Cancels a timer of this clock; anything else (unknown, fired, foreign) is ignored. */
  cancel(handle: unknown): void {
    if (!(handle instanceof ScheduledTimer) || handle.clock !== this || handle.callback === null) {
      return;
    }
    handle.callback = null;
    handle.owner.pending--;
    this.#queue.noteCancelled();
  }

  /** Timers of every owner, or of one owner, that have neither fired nor been cleared. */
  pendingTimers(owner?: string): number {
    if (owner === undefined) return this.#queue.size;
    return this.#owners.get(owner)?.pendingTimers() ?? 0;
  }

  /** Owners that still hold timers, sorted by name (a stable leak report). */
  timerOwners(): string[] {
    const owners: string[] = [];
    for (const [name, view] of this.#owners) if (view.pendingTimers() > 0) owners.push(name);
    return owners.sort();
  }

  /** When the next live timer is due, or undefined when none is pending. */
  nextDueAt(): number | undefined {
    return this.#queue.peek()?.at;
  }

  /**
   * Removes the next live timer, moves time to its due instant, tells `beforeCall` (if any) whose
   * timer it is, and calls it. A callback that throws propagates to the caller (the run loop turns
   * it into a failure). Returns false when no timer was pending.
   */
  fireNext(beforeCall?: (owner: string) => void): boolean {
    const timer = this.#queue.pop();
    if (timer === undefined) return false;
    const callback = timer.callback;
    timer.callback = null;
    timer.owner.pending--;
    this.#now = timer.at;
    beforeCall?.(timer.owner.owner);
    callback?.();
    return true;
  }

  /** Moves time forward to `t` without firing anything (the caller made sure nothing is due). */
  advanceTo(t: number): void {
    if (t > this.#now) this.#now = t;
  }

  /** Drops every timer of every owner (used when the simulation closes). */
  clearAll(): void {
    for (const timer of this.#queue.live()) {
      timer.callback = null;
      timer.owner.pending--;
    }
    this.#queue.clear();
  }
}

/** A per-owner view of a {@link VirtualClock}: same time, its own pending-timer count. */
class OwnedClockView implements OwnedClock {
  readonly #clock: VirtualClock;
  readonly #counter: TimerOwner;
  readonly owner: string;

  /** The shared pending counter (for exact-time schedulers of the same owner). */
  get counter(): TimerOwner {
    return this.#counter;
  }

  constructor(clock: VirtualClock, owner: string) {
    this.#clock = clock;
    this.owner = owner;
    this.#counter = { owner, pending: 0 };
    // Bound so `const { setTimeout } = clock` and passing methods around keep working.
    this.now = this.now.bind(this);
    this.setTimeout = this.setTimeout.bind(this);
    this.clearTimeout = this.clearTimeout.bind(this);
  }

  now(): number {
    return this.#clock.now();
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.#clock.schedule(this.#counter, callback, ms);
  }

  clearTimeout(handle: TimerHandle): void {
    this.#clock.cancel(handle);
  }

  pendingTimers(): number {
    return this.#counter.pending;
  }
}
