/**
 * A binary min-heap keyed by a number. The lessor keeps its keep-alive schedule in two of them (next
 * send, deadline) so that each tick costs O(due · log n) instead of a scan of every lease.
 */
export class MinHeap<T> {
  readonly #keys: number[] = [];
  readonly #values: T[] = [];

  /** Number of entries. */
  get size(): number {
    return this.#keys.length;
  }

  /** Adds `value` with priority `key`. */
  push(key: number, value: T): void {
    const keys = this.#keys;
    const values = this.#values;
    let i = keys.length;
    keys.push(key);
    values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentKey = keys[parent] as number;
      if (parentKey <= key) break;
      keys[i] = parentKey;
      values[i] = values[parent] as T;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  /** The smallest key, or `undefined` when empty. */
  peekKey(): number | undefined {
    return this.#keys[0];
  }

  /** Removes and returns the entry with the smallest key. */
  pop(): T | undefined {
    const keys = this.#keys;
    const values = this.#values;
    if (keys.length === 0) return undefined;
    const top = values[0] as T;
    const lastKey = keys.pop() as number;
    const lastValue = values.pop() as T;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        let child = left;
        if (right < n && (keys[right] as number) < (keys[left] as number)) child = right;
        const childKey = keys[child] as number;
        if (childKey >= lastKey) break;
        keys[i] = childKey;
        values[i] = values[child] as T;
        i = child;
      }
      keys[i] = lastKey;
      values[i] = lastValue;
    }
    return top;
  }

  /** Removes every entry. */
  clear(): void {
    this.#keys.length = 0;
    this.#values.length = 0;
  }
}
