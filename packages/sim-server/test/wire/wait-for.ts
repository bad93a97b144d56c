/**
 * Polls `predicate` until it holds or `timeoutMs` of wall time passed. Wire mode runs on real
 * time, so its tests wait for observable state (never for a fixed sleep) with a bound.
 */
export async function waitFor(
  what: string,
  predicate: () => boolean,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
