/**
 * The real `setImmediate`, captured when this module loads, so the run loop keeps working while
 * `installGlobals()` (or a test) replaces the global timers.
 */
const realSetImmediate: typeof globalThis.setImmediate = globalThis.setImmediate;

/** Largest number of immediates queued at once (see {@link driveSteps}). */
const MAX_BATCH = 256;

/**
 * Runs `step` repeatedly, each call in its own real macrotask, until it returns true (resolves) or
 * throws (rejects with that error).
 *
 * Why macrotasks: before each step every promise job and `process.nextTick` callback caused by the
 * previous step must have run. JavaScript cannot ask whether the microtask queue is empty, but
 * Node drains both queues completely between two immediate callbacks — including between
 * callbacks queued in the same batch. So queueing immediates in batches keeps that guarantee while
 * paying for one event-loop turn per batch instead of per step. Batches start at one immediate and
 * double up to {@link MAX_BATCH}, so a short run does not leave many no-op immediates behind; the
 * ones left after the end are harmless no-ops.
 */
export function driveSteps(step: () => boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let done = false;
    let batch = 1;
    const tick = (): void => {
      if (done) return;
      try {
        if (step()) {
          done = true;
          resolve();
        }
      } catch (error) {
        done = true;
        reject(error);
      }
    };
    const lastOfBatch = (): void => {
      tick();
      if (!done) queueBatch();
    };
    const queueBatch = (): void => {
      for (let i = 1; i < batch; i++) realSetImmediate(tick);
      realSetImmediate(lastOfBatch);
      if (batch < MAX_BATCH) batch *= 2;
    };
    queueBatch();
  });
}
