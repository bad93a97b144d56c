/**
 * One scheduled timer. The object itself is the handle given to callers, so clearing is O(1): the
 * entry is marked and skipped when it reaches the top of the heap (lazy deletion).
 */
export interface TimerEntry {
  /** Virtual time at which it fires. */
  readonly at: number;
  /** Creation order: breaks ties so same-time timers fire in the order they were created. */
  readonly seq: number;
  /** Null once fired or cleared. */
  callback: (() => void) | null;
  /** The owner's counter, decremented when the timer fires or is cleared. */
  readonly owner: TimerOwner;
}

/** Per-owner bookkeeping shared by every timer of one owner. */
export interface TimerOwner {
  readonly owner: string;
  pending: number;
}

function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * A binary min-heap of timers ordered by (at, seq). Written out by hand because this is the
 * kernel's hot path: `@sinonjs/fake-timers`' own timer store costs about three times as much per
 * event (measured with `pnpm bench`).
 */
export class TimerQueue {
  #heap: TimerEntry[] = [];
  #cancelled = 0;

  /** Live (neither fired nor cleared) timers. */
  get size(): number {
    return this.#heap.length - this.#cancelled;
  }

  /** Adds a timer. */
  push(entry: TimerEntry): void {
    const heap = this.#heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as TimerEntry;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  /** Records that a queued entry was cleared; compacts when cleared entries dominate the heap. */
  noteCancelled(): void {
    this.#cancelled++;
    if (this.#cancelled > 1024 && this.#cancelled * 2 > this.#heap.length) this.#compact();
  }

  /** The earliest live timer, without removing it. */
  peek(): TimerEntry | undefined {
    this.#dropCancelledTop();
    return this.#heap[0];
  }

  /** Removes and returns the earliest live timer. */
  pop(): TimerEntry | undefined {
    this.#dropCancelledTop();
    return this.#removeTop();
  }

  /** Every live timer in firing order (for diagnostics; O(n log n)). */
  live(): TimerEntry[] {
    return this.#heap.filter((e) => e.callback !== null).sort((a, b) => (before(a, b) ? -1 : 1));
  }

  /** Drops every timer. */
  clear(): void {
    this.#heap = [];
    this.#cancelled = 0;
  }

  #dropCancelledTop(): void {
    const heap = this.#heap;
    while (heap.length > 0 && (heap[0] as TimerEntry).callback === null) {
      this.#removeTop();
      this.#cancelled--;
    }
  }

  #removeTop(): TimerEntry | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    // Bottom-up sift: walk the hole down to a leaf along the smaller children (one comparison per
    // level), then sift `last` up from there. `last` came from the bottom, so it rarely rises far;
    // this roughly halves the comparisons of the textbook sift-down.
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child =
        right < n && before(heap[right] as TimerEntry, heap[left] as TimerEntry) ? right : left;
      heap[i] = heap[child] as TimerEntry;
      i = child;
    }
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as TimerEntry;
      if (!before(last, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = last;
    return top;
  }

  #compact(): void {
    const live = this.#heap.filter((e) => e.callback !== null);
    this.#heap = [];
    this.#cancelled = 0;
    for (const entry of live) this.push(entry);
  }
}
