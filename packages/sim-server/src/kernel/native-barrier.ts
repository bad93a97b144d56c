import nodeCrypto from "node:crypto";
import { syncBuiltinESMExports } from "node:module";
import zlib from "node:zlib";
import type { RealIoTracker } from "./real-io.js";

/** The WebCrypto operations that complete off the event loop (on libuv's thread pool). */
const SUBTLE_METHODS = [
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

/** `node:crypto` functions whose callback form runs on the thread pool (callback last). */
const CRYPTO_CALLBACK_FUNCTIONS = [
  "checkPrime",
  "generateKey",
  "generateKeyPair",
  "generatePrime",
  "hkdf",
  "pbkdf2",
  "randomBytes",
  "randomFill",
  "scrypt",
] as const;

/** `node:zlib` one-shot functions whose callback form runs on the thread pool (callback last). */
const ZLIB_CALLBACK_FUNCTIONS = [
  "brotliCompress",
  "brotliDecompress",
  "deflate",
  "deflateRaw",
  "gunzip",
  "gzip",
  "inflate",
  "inflateRaw",
  "unzip",
] as const;

type AnyFunction = (...args: unknown[]) => unknown;

/** How one native operation ended: its callback arguments, or its promise's outcome. */
type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

let installed = false;

/**
 * Holds virtual time while native asynchronous work is in flight and delivers its completions in
 * start order.
 *
 * WebCrypto (`crypto.subtle`, also reached as `globalThis.crypto.subtle` and
 * `crypto.webcrypto.subtle`), the callback forms of `node:crypto`'s thread-pool functions
 * (`pbkdf2`, `scrypt`, `hkdf`, `randomBytes`, `randomFill`, `generateKey`, `generateKeyPair`,
 * `generatePrime`, `checkPrime`) and of `node:zlib`'s one-shot functions (`deflate`, `gzip`,
 * `brotliCompress`, … and their inverses) finish on libuv's thread pool. Without a barrier the
 * run loop moves virtual time on while such work runs (it completes at a virtual time that depends
 * on the machine's speed), and concurrent completions arrive in whatever order the threads finish;
 * digests then differ from run to run.
 *
 * Each wrapped call takes a hold on `tracker` ({@link RealIoTracker.hold}: the run loop takes no
 * step, so no timer fires and virtual time stands still, until the result is delivered) and
 * delivers its result only after every call started before it has delivered (start order; the work
 * itself still runs concurrently). Synchronous forms (no callback) are left alone: they finish before returning.
 * Real DNS is not covered here: `installSockets` answers DNS for virtual hosts and refuses the
 * rest. Streams (`zlib.createGzip()`) are not covered either: they are driven by their writer.
 *
 * Only one barrier may be installed at a time; dispose the result to restore the originals (ESM
 * named bindings included, via `syncBuiltinESMExports()`). `Simulation.installGlobals()` installs
 * one.
 *
 * @throws Error when a barrier is already installed.
 */
export function installNativeBarrier(tracker: RealIoTracker): Disposable {
  if (installed) {
    throw new Error(
      "installNativeBarrier: a native barrier is already installed; dispose it first",
    );
  }
  let previous: Promise<unknown> = Promise.resolve();

  /** Holds virtual time until `outcome` (work already started) is delivered, in start order. */
  const hold = (outcome: Promise<Outcome>): Promise<Outcome> => {
    const handle = tracker.hold();
    const inOrder = previous.then(() => outcome);
    previous = inOrder;
    return inOrder.finally(() => handle.close());
  };

  const restore: Array<() => void> = [];
  const patch = (target: object, name: string, value: AnyFunction): void => {
    const table = target as Record<string, unknown>;
    const descriptor = Object.getOwnPropertyDescriptor(target, name);
    Object.defineProperty(target, name, {
      configurable: true,
      writable: true,
      enumerable: descriptor?.enumerable ?? false,
      value,
    });
    restore.push(() => {
      if (descriptor === undefined) delete table[name];
      else Object.defineProperty(target, name, descriptor);
    });
  };

  const subtle = globalThis.crypto.subtle;
  const subtleTable = subtle as unknown as Record<string, unknown>;
  for (const name of SUBTLE_METHODS) {
    const original = subtleTable[name];
    if (typeof original !== "function") continue;
    // Own properties shadow SubtleCrypto.prototype's methods; restoring deletes them again.
    patch(subtle, name, (...args: unknown[]) =>
      hold(
        // Promise.resolve().then: a synchronous throw becomes a rejection, as from an async method.
        Promise.resolve()
          .then(() => original.apply(subtle, args))
          .then(
            (value): Outcome => ({ ok: true, value }),
            (error: unknown): Outcome => ({ ok: false, error }),
          ),
      ).then((outcome) => {
        if (outcome.ok) return outcome.value;
        throw outcome.error;
      }),
    );
  }

  const wrapCallbackForm = (module: object, names: readonly string[]): void => {
    const table = module as Record<string, unknown>;
    for (const name of names) {
      const original = table[name];
      if (typeof original !== "function") continue;
      patch(module, name, function (this: unknown, ...args: unknown[]) {
        const callback = args.at(-1);
        // No callback: the synchronous (or invalid) form, which Node handles (and validates) itself.
        if (typeof callback !== "function") return original.apply(this, args);
        let finish: (results: unknown[]) => void = () => {};
        const completed = new Promise<Outcome>((resolve) => {
          finish = (results) => resolve({ ok: true, value: results });
        });
        // Called directly, so Node's argument validation still throws synchronously to the caller
        // (and nothing is held for a call that never started).
        const started = original.apply(this, [
          ...args.slice(0, -1),
          (...results: unknown[]) => finish(results),
        ]);
        void hold(completed).then((settled) => {
          const results = settled.ok ? (settled.value as unknown[]) : [];
          // A microtask, not the promise chain: an exception in the callback stays uncaught, as
          // it would be when Node called it.
          queueMicrotask(() => {
            (callback as AnyFunction).apply(undefined, results);
          });
        });
        return started;
      });
    }
  };
  wrapCallbackForm(nodeCrypto, CRYPTO_CALLBACK_FUNCTIONS);
  wrapCallbackForm(zlib, ZLIB_CALLBACK_FUNCTIONS);
  syncBuiltinESMExports();
  installed = true;

  let disposed = false;
  return {
    [Symbol.dispose](): void {
      if (disposed) return;
      disposed = true;
      for (const undo of restore.reverse()) undo();
      syncBuiltinESMExports();
      installed = false;
    },
  };
}
