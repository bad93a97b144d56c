import type { Simulation } from "@dsim/sim-server";

/** The WebCrypto operations that complete off the event loop (on libuv's thread pool). */
const METHODS = [
  "decrypt",
  "deriveBits",
  "deriveKey",
  "digest",
  "encrypt",
  "exportKey",
  "generateKey",
  "importKey",
  "sign",
  "unwrapKey",
  "verify",
  "wrapKey",
] as const;

type SubtleMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * Holds virtual time while WebCrypto work is in flight and completes that work in call order.
 *
 * jose verifies signatures with `crypto.subtle`, which finishes on libuv's thread pool: without
 * a barrier the run loop moves virtual time on while a verification is running, and concurrent
 * completions arrive in whatever order the threads finish — digests then differ from run to run.
 * Each call registers as real I/O with the simulation (so the run loop steps one timer at a time
 * and turns the real event loop until the work is quiet), stays busy until it settles, and waits
 * for the previous call first (one at a time, in call order).
 *
 * Dispose the result to restore `crypto.subtle`.
 */
export function installCryptoBarrier(sim: Simulation): Disposable {
  const subtle = globalThis.crypto.subtle;
  const table = subtle as unknown as Record<string, SubtleMethod>;
  let previous: Promise<unknown> = Promise.resolve();
  for (const name of METHODS) {
    const original = table[name];
    if (original === undefined) continue;
    const held: SubtleMethod = (...args) => {
      const handle = sim.realIo.open();
      let settled = false;
      // Activity on every real turn keeps the run loop from firing the next timer meanwhile.
      const keepBusy = (): void => {
        if (settled) return;
        handle.touch();
        setImmediate(keepBusy);
      };
      setImmediate(keepBusy);
      const result = previous.then(() => original.apply(subtle, args));
      previous = result.catch(() => undefined);
      return result.finally(() => {
        settled = true;
        handle.close();
      });
    };
    Object.defineProperty(subtle, name, { configurable: true, writable: true, value: held });
  }
  return {
    [Symbol.dispose]: () => {
      // The own properties shadow SubtleCrypto.prototype's methods; deleting them restores those.
      for (const name of METHODS) delete table[name];
    },
  };
}
