/**
 * An unbounded single-consumer queue that ends normally or with an error: the response side of a
 * bidi call and the stream of state changes. Unbounded because dropping either would lose facts
 * the caller cannot recover (the producer is the network or the state machine, not the caller).
 *
 * @internal
 */
export class AsyncQueue<T> {
  readonly #items: T[] = [];
  #ended = false;
  #error: unknown;
  #failed = false;
  #waiter: ((result: IteratorResult<T>) => void) | undefined;
  #rejecter: ((error: unknown) => void) | undefined;

  /** True once {@link end} or {@link fail} was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Appends an item; ignored after the end. */
  push(item: T): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#clearWaiter();
      waiter({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  /** Ends the queue: the consumer drains the buffer, then sees `done`. Idempotent. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#settleWaiter();
  }

  /** Ends the queue with an error, thrown after the buffer is drained. First call wins. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failed = true;
    this.#error = error;
    this.#settleWaiter();
  }

  /** Hands every buffered item to `onItem`, in order, and empties the buffer (push consumers). */
  drain(onItem: (item: T) => void): void {
    const items = this.#items.splice(0);
    for (const item of items) onItem(item);
  }

  /** Discards the buffer and ends the queue (the consumer gave up). */
  discard(): void {
    this.#items.length = 0;
    this.#failed = false;
    this.#ended = true;
    this.#settleWaiter();
  }

  /** The next item, `done` after the end, or the failure. One consumer at a time. */
  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) {
      return Promise.resolve({ value: this.#items.shift() as T, done: false });
    }
    if (this.#ended) {
      if (this.#failed) return Promise.reject(this.#error);
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.#waiter !== undefined) {
      return Promise.reject(new Error("AsyncQueue supports a single consumer at a time"));
    }
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.#waiter = resolve;
      this.#rejecter = reject;
    });
  }

  #settleWaiter(): void {
    const waiter = this.#waiter;
    const rejecter = this.#rejecter;
    if (waiter === undefined || rejecter === undefined) return;
    this.#clearWaiter();
    if (this.#failed) rejecter(this.#error);
    else waiter({ value: undefined, done: true });
  }

  #clearWaiter(): void {
    this.#waiter = undefined;
    this.#rejecter = undefined;
  }
}
