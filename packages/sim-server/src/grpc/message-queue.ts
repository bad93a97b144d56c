/**
 * An unbounded single-consumer queue read as an async iterable: the incoming messages of one server
 * call. `end()` lets the reader drain what is buffered and then finish; the sender never blocks
 * (HTTP/2 flow control is not modelled).
 */
export class MessageQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiter: ((result: IteratorResult<T, undefined>) => void) | undefined;
  #ended = false;
  #iterating = false;

  /** True once {@link MessageQueue.end} was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Adds an item; ignored after {@link MessageQueue.end}. */
  push(item: T): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter({ done: false, value: item });
      return;
    }
    this.#items.push(item);
  }

  /** No more items: a waiting reader finishes once the buffer is drained. Idempotent. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.({ done: true, value: undefined });
  }

  /** Drops buffered items and ends (the call was cancelled: nobody will read them). */
  discard(): void {
    this.#items.length = 0;
    this.end();
  }

  /** The single reader. A second iteration throws: two readers would split the stream. */
  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    if (this.#iterating) throw new TypeError("a call's messages can only be iterated once");
    this.#iterating = true;
    return {
      next: () => this.#next(),
      return: () => {
        this.discard();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  #next(): Promise<IteratorResult<T, undefined>> {
    if (this.#items.length > 0) {
      return Promise.resolve({ done: false, value: this.#items.shift() as T });
    }
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    if (this.#waiter !== undefined) {
      return Promise.reject(new TypeError("concurrent next() calls on a call's messages"));
    }
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }
}
