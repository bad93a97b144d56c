import type { RealIoTracker } from "./real-io.js";

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
 *
 * With `io` and while `io.tracker.active` (virtual sockets exist), batching stops: the loop runs one
 * callback per event-loop turn and calls `step` only after `io.quietTurns` consecutive turns without
 * activity, because node:http2 writes its frames from native immediates that run between turns, not
 * inside promise jobs. When the last resource closes, batching resumes.
 */
export function driveSteps(step: () => boolean, io?: RealIoStepping): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let done = false;
    let batch = 1;
    // Bumped when the loop switches mode, so immediates left from an older batch become no-ops.
    let generation = 0;
    let quiet = 0;
    let busy = 0;
    let seen = -1;
    const finish = (error?: unknown): void => {
      done = true;
      if (error === undefined) resolve();
      else reject(error);
    };
    const runStep = (): void => {
      try {
        if (step()) finish();
      } catch (error) {
        finish(error);
      }
    };
    const tick = (gen: number): void => {
      if (done || gen !== generation) return;
      if (io?.tracker.active === true) {
        generation++;
        seen = io.tracker.activity;
        quiet = 0;
        realSetImmediate(slowTick, generation);
        return;
      }
      runStep();
    };
    const lastOfBatch = (gen: number): void => {
      tick(gen);
      if (!done && gen === generation) queueBatch();
    };
    const queueBatch = (): void => {
      for (let i = 1; i < batch; i++) realSetImmediate(tick, generation);
      realSetImmediate(lastOfBatch, generation);
      if (batch < MAX_BATCH) batch *= 2;
    };
    // One call per event-loop turn while real I/O exists: fire a step only after `quietTurns`
    // consecutive turns in which no resource reported activity and no other immediate was queued.
    const slowTick = (gen: number): void => {
      if (done || gen !== generation || io === undefined) return;
      if (!io.tracker.active) {
        generation++;
        batch = 1;
        queueBatch();
        return;
      }
      if (io.tracker.held > 0) {
        // Native work in flight: no step, and no busy turns either; resume when it is delivered.
        quiet = 0;
        seen = -1;
        io.tracker.whenReleased(() => realSetImmediate(slowTick, gen));
        return;
      }
      const activity = io.tracker.activity;
      if (activity !== seen || otherImmediatesPending()) {
        seen = activity;
        quiet = 0;
        if (++busy > io.maxBusyTurns) {
          finish(io.tooBusy(busy));
          return;
        }
      } else if (++quiet >= io.quietTurns) {
        quiet = 0;
        busy = 0;
        runStep();
        // Activity the step causes (synchronously or in the promise jobs that run right after this
        // callback) moves the counter past this value, so the next turn sees it as busy.
        seen = io.tracker.activity;
      }
      if (!done) realSetImmediate(slowTick, gen);
    };
    queueBatch();
  });
}

/** How {@link driveSteps} waits for real I/O to go quiet between two steps. */
export interface RealIoStepping {
  /** The live real-I/O resources and their activity counter. */
  readonly tracker: RealIoTracker;
  /** Consecutive quiet event-loop turns required before the next step. */
  readonly quietTurns: number;
  /** Event-loop turns with activity in a row after which the run fails (`tooBusy`). */
  readonly maxBusyTurns: number;
  /** The error the run fails with when the resources never go quiet. */
  tooBusy(turns: number): Error;
}

/**
 * True when an immediate other than the running one is queued (e.g. `JSStreamSocket` finishing a
 * write). The running immediate is not listed by Node while its callback executes.
 */
function otherImmediatesPending(): boolean {
  return process.getActiveResourcesInfo().includes("Immediate");
}
