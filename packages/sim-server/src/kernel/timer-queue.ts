/**
 * One scheduled timer. The object itself is the handle given to callers, so clearing is O(1): the
 * entry is marked and skipped when it reaches the front of the queue (lazy deletion).
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

/** Every queued timer due at one instant, in `seq` order; `head` is the next one to fire. */
interface Bucket {
  at: number;
  entries: TimerEntry[];
  head: number;
}

/** Consumed slots a bucket may keep before its array is trimmed (a long same-instant run). */
const TRIM_AFTER = 1024;

/** Exhausted buckets kept for reuse: recycling them (and their arrays) saves garbage per instant. */
const MAX_SPARE_BUCKETS = 256;

function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * Timers ordered by (at, seq), grouped by due instant: a binary min-heap of buckets keyed by `at`,
 * each bucket a FIFO of the timers due then. Why buckets: timers are pushed in increasing `seq`
 * order, so within one instant arrival order already is firing order, and many timers share an
 * instant (integer-ms delays). Firing then costs an array read, and the heap — much smaller than
 * the timer count — only moves once per distinct instant. A push that would break `seq` order
 * within a bucket (not done by `VirtualClock`) is inserted in place, so the order stays exact.
 */
export class TimerQueue {
  #heap: Bucket[] = [];
  readonly #byTime = new Map<number, Bucket>();
  readonly #spare: Bucket[] = [];
  /** Queued entries, cleared ones included. */
  #count = 0;
  #cancelled = 0;

  /** Live (neither fired nor cleared) timers. */
  get size(): number {
    return this.#count - this.#cancelled;
  }

  /** Adds a timer. */
  push(entry: TimerEntry): void {
    this.#count++;
    const bucket = this.#byTime.get(entry.at);
    if (bucket === undefined) {
      const fresh = this.#spare.pop() ?? { at: 0, entries: [], head: 0 };
      fresh.at = entry.at;
      fresh.entries.push(entry);
      this.#byTime.set(entry.at, fresh);
      this.#heapPush(fresh);
      return;
    }
    const entries = bucket.entries;
    const last = entries[entries.length - 1];
    if (last === undefined || last.seq < entry.seq) {
      entries.push(entry);
      return;
    }
    let i = entries.length;
    while (i > bucket.head && (entries[i - 1] as TimerEntry).seq > entry.seq) i--;
    entries.splice(i, 0, entry);
  }

  /** Records that a queued entry was cleared; compacts when cleared entries dominate the queue. */
  noteCancelled(): void {
    this.#cancelled++;
    if (this.#cancelled > 1024 && this.#cancelled * 2 > this.#count) this.#compact();
  }

  /** The earliest live timer, without removing it. */
  peek(): TimerEntry | undefined {
    const bucket = this.#liveTop();
    return bucket === undefined ? undefined : bucket.entries[bucket.head];
  }

  /** Removes and returns the earliest live timer. */
  pop(): TimerEntry | undefined {
    const bucket = this.#liveTop();
    if (bucket === undefined) return undefined;
    const entry = bucket.entries[bucket.head];
    bucket.head++;
    this.#count--;
    if (bucket.head === bucket.entries.length) this.#dropTop(bucket);
    else if (bucket.head > TRIM_AFTER && bucket.head * 2 > bucket.entries.length) {
      bucket.entries = bucket.entries.slice(bucket.head);
      bucket.head = 0;
    }
    return entry;
  }

  /** Every live timer in firing order (for diagnostics; O(n log n)). */
  live(): TimerEntry[] {
    const out: TimerEntry[] = [];
    for (const bucket of this.#heap) {
      for (let i = bucket.head; i < bucket.entries.length; i++) {
        const entry = bucket.entries[i] as TimerEntry;
        if (entry.callback !== null) out.push(entry);
      }
    }
    return out.sort((a, b) => (before(a, b) ? -1 : 1));
  }

  /** Drops every timer. */
  clear(): void {
    this.#heap = [];
    this.#byTime.clear();
    this.#spare.length = 0;
    this.#count = 0;
    this.#cancelled = 0;
  }

  /** The earliest bucket, after dropping cleared entries at its front (and emptied buckets). */
  #liveTop(): Bucket | undefined {
    for (;;) {
      const bucket = this.#heap[0];
      if (bucket === undefined) return undefined;
      const entries = bucket.entries;
      while (
        bucket.head < entries.length &&
        (entries[bucket.head] as TimerEntry).callback === null
      ) {
        bucket.head++;
        this.#count--;
        this.#cancelled--;
      }
      if (bucket.head < entries.length) return bucket;
      this.#dropTop(bucket);
    }
  }

  /** Removes the (exhausted) top bucket. */
  #dropTop(bucket: Bucket): void {
    this.#byTime.delete(bucket.at);
    if (this.#spare.length < MAX_SPARE_BUCKETS && bucket.entries.length <= TRIM_AFTER) {
      // Every entry is consumed, so emptying the array drops no live timer.
      bucket.entries.length = 0;
      bucket.head = 0;
      this.#spare.push(bucket);
    }
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    // Bottom-up sift: walk the hole down to a leaf along the smaller children (one comparison per
    // level), then sift `last` up from there; `last` came from the bottom, so it rarely rises far.
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child =
        right < n && (heap[right] as Bucket).at < (heap[left] as Bucket).at ? right : left;
      heap[i] = heap[child] as Bucket;
      i = child;
    }
    this.#siftUp(last, i);
  }

  #heapPush(bucket: Bucket): void {
    this.#heap.push(bucket);
    this.#siftUp(bucket, this.#heap.length - 1);
  }

  #siftUp(bucket: Bucket, from: number): void {
    const heap = this.#heap;
    let i = from;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Bucket;
      if (bucket.at >= p.at) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = bucket;
  }

  #compact(): void {
    const buckets = this.#heap;
    this.#heap = [];
    this.#byTime.clear();
    this.#count = 0;
    this.#cancelled = 0;
    for (const bucket of buckets) {
      const entries: TimerEntry[] = [];
      for (let i = bucket.head; i < bucket.entries.length; i++) {
        const entry = bucket.entries[i] as TimerEntry;
        if (entry.callback !== null) entries.push(entry);
      }
      if (entries.length === 0) continue;
      const kept: Bucket = { at: bucket.at, entries, head: 0 };
      this.#count += entries.length;
      this.#byTime.set(kept.at, kept);
      this.#heapPush(kept);
    }
  }
}
