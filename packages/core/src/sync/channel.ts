import { abortReason } from "../time/abort.js";
import { requireFunction, requireInteger, requireObject, requireSignal } from "../validate.js";
import { Queue } from "./queue.js";

/** Options for {@link Channel}. */
export interface ChannelOptions {
  /**
   * How many items may wait in the buffer: a safe integer ≥ 0. With 0, `trySend` succeeds only
   * when a receiver is already waiting (Go's unbuffered channel used with `select`/`default`).
   * The lessor uses 16, like etcd's keep-alive channel.
   */
  readonly capacity: number;
  /**
   * Called (synchronously, at most once per receiver) when the receiver stops iterating while the
   * channel is still open — `break`, `return` or an exception inside `for await`. The receiver may
   * not close the channel (only its owner, the sender side, may), so this hook is how the owner
   * learns it should cancel the subscription and close. An exception thrown by the hook
   * propagates out of the iterator's `return()`.
   */
  readonly onReceiverDetached?: () => void;
}

interface Waiter<T> {
  readonly resolve: (result: IteratorResult<T, undefined>) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

const DONE: IteratorResult<never, undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A bounded, single-receiver channel with Go's ownership rules (seed 003) made impossible to
 * break:
 *
 * - **Sending never blocks and never throws.** {@link Channel.trySend} hands the item to a waiting
 *   receiver, else buffers it, else drops it and returns `false`. Sending on a closed channel
 *   returns `false` (Go would panic).
 * - **Only the owner closes**, and closing is idempotent: the first {@link Channel.close} wins and
 *   its reason is kept; later calls return `false` (Go would panic on a double close).
 * - **Nothing accepted is lost.** Every item for which `trySend` returned `true` is delivered
 *   exactly once and in order, also after `close()`: the receiver drains the buffer, then its
 *   iteration ends. Nothing sent after `close()` is ever delivered.
 * - **One receiver at a time.** `for await` locks the channel to one iterator; a second
 *   concurrent iterator, or a `receive()` while one is pending or an iterator is attached, throws
 *   a `TypeError` (like a locked `ReadableStream`). Breaking out of the loop releases the lock
 *   and notifies the owner through {@link ChannelOptions.onReceiverDetached}; it does not close the
 *   channel. A later receiver may attach again and continues with what is buffered.
 *
 * The channel owns no timer. Pending receives are settled by `close()` (they end) or by their
 * abort signal (they reject and their listener is removed).
 */
export class Channel<T> implements AsyncIterable<T>, Disposable, AsyncDisposable {
  readonly #capacity: number;
  readonly #onReceiverDetached: (() => void) | undefined;
  readonly #buffer = new Queue<T>();
  // Invariant: waiters are only ever queued while the buffer is empty and the channel is open.
  readonly #waiters = new Queue<Waiter<T>>();
  #closed = false;
  #closeReason: unknown;
  #iteratorAttached = false;
  #whenClosed: { promise: Promise<unknown>; resolve: (reason: unknown) => void } | undefined;

  /** @throws TypeError or RangeError for an invalid `capacity` or `onReceiverDetached`. */
  constructor(options: ChannelOptions) {
    requireObject("options", options);
    this.#capacity = requireInteger("capacity", options.capacity, { min: 0 });
    this.#onReceiverDetached =
      options.onReceiverDetached === undefined
        ? undefined
        : requireFunction<() => void>("onReceiverDetached", options.onReceiverDetached);
  }

  /** The maximum number of buffered items. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Items currently buffered (accepted but not yet received). */
  get size(): number {
    return this.#buffer.size;
  }

  /** True once {@link Channel.close} has been called (items may still be buffered). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The reason given to the first {@link Channel.close}; `undefined` while open or if none. */
  get closeReason(): unknown {
    return this.#closeReason;
  }

  /** True while a `for await` iterator holds the channel. */
  get receiverAttached(): boolean {
    return this.#iteratorAttached;
  }

  /** Resolves with the close reason (`undefined` if none) once the channel is closed. */
  get whenClosed(): Promise<unknown> {
    if (this.#whenClosed === undefined) {
      if (this.#closed) return Promise.resolve(this.#closeReason);
      let resolve: (reason: unknown) => void = () => {};
      const promise = new Promise<unknown>((r) => {
        resolve = r;
      });
      this.#whenClosed = { promise, resolve };
    }
    return this.#whenClosed.promise;
  }

  /**
   * Offers an item without waiting. Returns `true` when it was handed to a waiting receiver or
   * buffered, `false` when the buffer is full or the channel is closed (the item is dropped).
   * Never throws.
   */
  trySend(value: T): boolean {
    if (this.#closed) return false;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      settle(waiter);
      waiter.resolve({ done: false, value });
      return true;
    }
    if (this.#buffer.size >= this.#capacity) return false;
    this.#buffer.push(value);
    return true;
  }

  /**
   * Closes the channel from the owner's side. Buffered items stay receivable; once they are
   * drained, receivers see the end. Idempotent: returns `true` for the call that closed it and
   * `false` afterwards (the first reason is kept).
   */
  close(reason?: unknown): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.#closeReason = reason;
    // Waiters exist only when the buffer is empty, so every one of them now sees the end.
    for (let waiter = this.#waiters.shift(); waiter !== undefined; waiter = this.#waiters.shift()) {
      settle(waiter);
      waiter.resolve(DONE);
    }
    this.#whenClosed?.resolve(reason);
    return true;
  }

  /** Same as `close()` without a reason, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Same as `close()` without a reason, for `await using` next to other disposables. The channel
   * owns no timer or listener of its own, so there is nothing to wait for.
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /**
   * Receives one item: `{ done: false, value }`, or `{ done: true }` once the channel is closed
   * and drained. Rejects with `signal.reason` when `signal` aborts first; an item is never lost to
   * an abort (it stays buffered for the next receive).
   *
   * @throws TypeError (synchronously) when an iterator is attached or another receive is pending.
   */
  receive(signal?: AbortSignal): Promise<IteratorResult<T, undefined>> {
    requireSignal("signal", signal, { optional: true });
    if (this.#iteratorAttached) {
      throw new TypeError("Channel.receive: the channel is locked to an async iterator");
    }
    if (this.#waiters.size > 0) {
      throw new TypeError("Channel.receive: another receive is already pending (single receiver)");
    }
    return this.#receive(signal);
  }

  /**
   * Locks the channel to one receiver and iterates: yields buffered and future items, and ends
   * once the channel is closed and drained. Leaving the loop early releases the lock (see
   * {@link ChannelOptions.onReceiverDetached}).
   *
   * @throws TypeError when another iterator is attached or a receive is pending.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T, undefined, undefined> {
    if (this.#iteratorAttached) {
      throw new TypeError("Channel: a second concurrent async iterator is not allowed");
    }
    if (this.#waiters.size > 0) {
      throw new TypeError("Channel: cannot iterate while a receive is pending");
    }
    this.#iteratorAttached = true;
    let finished = false;
    const release = (): void => {
      if (finished) return;
      finished = true;
      this.#iteratorAttached = false;
    };
    const iterator: AsyncIterableIterator<T, undefined, undefined> = {
      next: async (): Promise<IteratorResult<T, undefined>> => {
        if (finished) return DONE;
        const result = await this.#receive(undefined);
        if (result.done === true) release();
        return result;
      },
      return: async (): Promise<IteratorResult<T, undefined>> => {
        if (finished) return DONE;
        release();
        // A next() still pending belongs to this receiver: end it rather than let it take an item.
        for (
          let waiter = this.#waiters.shift();
          waiter !== undefined;
          waiter = this.#waiters.shift()
        ) {
          settle(waiter);
          waiter.resolve(DONE);
        }
        if (!this.#closed) this.#onReceiverDetached?.();
        return DONE;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  #receive(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>> {
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    if (this.#buffer.size > 0) {
      return Promise.resolve({ done: false, value: this.#buffer.shift() as T });
    }
    if (this.#closed) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      const onAbort =
        signal === undefined
          ? undefined
          : (): void => {
              this.#removeWaiter(waiter);
              reject(abortReason(signal));
            };
      const waiter: Waiter<T> = { resolve, reject, signal, onAbort };
      this.#waiters.push(waiter);
      if (onAbort !== undefined) signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #removeWaiter(target: Waiter<T>): void {
    // At most a handful of waiters exist (one receiver), so rebuilding the queue is cheap.
    const kept: Waiter<T>[] = [];
    for (let waiter = this.#waiters.shift(); waiter !== undefined; waiter = this.#waiters.shift()) {
      if (waiter !== target) kept.push(waiter);
    }
    for (const waiter of kept) this.#waiters.push(waiter);
  }
}

/** Detaches a waiter from its abort signal before it is resolved by a send or a close. */
function settle<T>(waiter: Waiter<T>): void {
  if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener("abort", waiter.onAbort);
}
