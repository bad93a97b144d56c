/** What the child process needs from each client under test. */
export interface LeaseDriver {
  /**
   * Grants `leases` leases of `ttlS` seconds, starts keeping every one alive, and resolves with
   * their IDs (decimal strings) once each has seen its first keep-alive response.
   */
  establish(leases: number, ttlS: number): Promise<string[]>;
  /** Counters since {@link LeaseDriver.establish} was called. */
  counters(): DriverCounters;
  /** Stops the keep-alives, revokes every lease and closes the client. */
  close(): Promise<void>;
}

/** What the client's own code saw. */
export interface DriverCounters {
  /** Keep-alive responses delivered to the application. */
  readonly responses: number;
  /** Keep-alive streams the client opened. */
  readonly streams: number;
  /** Leases the client reported lost (subscription closed, `lost` event). */
  readonly lost: number;
}

/** Runs `task` over `items` with at most `limit` in flight, keeping the results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
