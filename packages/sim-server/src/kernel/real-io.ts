/**
 * Real I/O living inside the simulation (virtual sockets under node:http2 or grpc-js).
 *
 * Such code does part of its work outside promise jobs: nghttp2 flushes frames from a native
 * immediate, `JSStreamSocket` completes writes from `setImmediate`. The run loop must therefore
 * let the real event loop turn until that work is done before it moves virtual time again,
 * otherwise time runs ahead of the bytes. Each resource reports its activity here; the run loop
 * reads {@link RealIoTracker.active} and {@link RealIoTracker.activity} to decide (see
 * `driveSteps`).
 */
export interface RealIoHandle {
  /** Records activity (bytes written or delivered, an event emitted): the loop is not quiet yet. */
  touch(): void;
  /** The resource is gone; idempotent. */
  close(): void;
}

/** Counts live real-I/O resources and their activity. One per simulation. */
export class RealIoTracker {
  #open = 0;
  #activity = 0;
  #held = 0;
  #waiters: Array<() => void> = [];

  /** True while at least one resource is open: the run loop then steps one timer at a time. */
  get active(): boolean {
    return this.#open > 0;
  }

  /** Resources currently open. */
  get openCount(): number {
    return this.#open;
  }

  /** A counter that grows with every {@link RealIoHandle.touch}; compare two reads to see activity. */
  get activity(): number {
    return this.#activity;
  }

  /** Holds currently in place (see {@link RealIoTracker.hold}). */
  get held(): number {
    return this.#held;
  }

  /**
   * Registers native work in flight (WebCrypto, zlib, … on libuv's thread pool): like
   * {@link RealIoTracker.open}, and until it is closed the run loop takes no step at all — it waits,
   * without turning, until every hold is released ({@link RealIoTracker.whenReleased}), because the
   * work finishes off the event loop and a quiet turn says nothing about it.
   */
  hold(): RealIoHandle {
    const handle = this.open();
    this.#held++;
    let released = false;
    return {
      touch: handle.touch,
      close: () => {
        if (released) return;
        released = true;
        this.#held--;
        handle.close();
        if (this.#held > 0) return;
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const waiter of waiters) waiter();
      },
    };
  }

  /** Calls `callback` once no hold is in place (at once when none is). */
  whenReleased(callback: () => void): void {
    if (this.#held === 0) callback();
    else this.#waiters.push(callback);
  }

  /** Registers a resource; it counts as activity. */
  open(): RealIoHandle {
    this.#open++;
    this.#activity++;
    let closed = false;
    return {
      touch: () => {
        this.#activity++;
      },
      close: () => {
        if (closed) return;
        closed = true;
        this.#open--;
        this.#activity++;
      },
    };
  }
}
