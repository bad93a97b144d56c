import { setMaxListeners } from "node:events";

/** A caller's AbortSignal that knows how many abort listeners are attached to it right now. */
export interface CountingSignal {
  readonly signal: AbortSignal;
  /** Abort listeners added and not removed (the signal never aborts, so none fired). */
  listeners(): number;
}

/**
 * An AbortSignal, as a caller would pass to many calls in a row, whose `addEventListener` and
 * `removeEventListener` are counted: what is still attached after every call settled is what the
 * library leaked onto the caller's object. It stays a real `AbortSignal` (instanceof holds), only
 * this instance's two methods are wrapped.
 */
export function countingSignal(): CountingSignal {
  const signal = new AbortController().signal;
  // Many calls share it at once on purpose; Node's warning at 11 listeners would only be noise.
  setMaxListeners(0, signal);
  const attached = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  Object.defineProperty(signal, "addEventListener", {
    value: (...args: Parameters<AbortSignal["addEventListener"]>): void => {
      if (args[0] === "abort" && args[1] !== null) attached.add(args[1]);
      add(...args);
    },
  });
  Object.defineProperty(signal, "removeEventListener", {
    value: (...args: Parameters<AbortSignal["removeEventListener"]>): void => {
      if (args[0] === "abort") attached.delete(args[1]);
      remove(...args);
    },
  });
  return { signal, listeners: () => attached.size };
}
