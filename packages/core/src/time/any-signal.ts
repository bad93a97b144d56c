import { abortReason } from "./abort.js";

/** A signal combined from several, with a way to detach from its sources. */
export interface LinkedSignal extends Disposable {
  /** Aborts with the reason of the first source that aborts. */
  readonly signal: AbortSignal;
  /** Removes the listeners from every source. Idempotent; the signal keeps its current state. */
  clear(): void;
  /** Same as {@link LinkedSignal.clear}. */
  [Symbol.dispose](): void;
}

/**
 * Combines signals: the result aborts with the reason of the first source to abort (at once if
 * one already has). Unlike `AbortSignal.any`, the listeners it adds to the sources are removed
 * explicitly — on the first abort or on `clear()` — so a long-lived source (a component's close
 * signal) does not accumulate listeners from short-lived operations. `undefined` entries are
 * skipped, which makes optional caller signals convenient to pass.
 *
 * @param signals - the sources.
 * @throws TypeError when an entry is neither an `AbortSignal` nor `undefined`.
 */
export function anySignal(signals: Iterable<AbortSignal | undefined>): LinkedSignal {
  const sources: AbortSignal[] = [];
  for (const source of signals) {
    if (source === undefined) continue;
    if (!(source instanceof AbortSignal)) {
      throw new TypeError("anySignal: every entry must be an AbortSignal or undefined");
    }
    sources.push(source);
  }
  const controller = new AbortController();
  const listeners: Array<[AbortSignal, () => void]> = [];
  const clear = (): void => {
    for (const [source, listener] of listeners) source.removeEventListener("abort", listener);
    listeners.length = 0;
  };

  const alreadyAborted = sources.find((source) => source.aborted);
  if (alreadyAborted !== undefined) {
    controller.abort(abortReason(alreadyAborted));
  } else {
    for (const source of sources) {
      const listener = (): void => {
        clear();
        controller.abort(abortReason(source));
      };
      listeners.push([source, listener]);
      source.addEventListener("abort", listener, { once: true });
    }
  }
  return { signal: controller.signal, clear, [Symbol.dispose]: clear };
}
