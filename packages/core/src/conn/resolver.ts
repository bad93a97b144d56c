/**
 * Name resolution: where the channel's addresses come from. A resolver pushes **full** address
 * lists (never deltas), as the seed's balancer `Notify()` channel did; the channel dials new
 * addresses and drains removed ones. Push-based so that updates are delivered synchronously to
 * the one owner and none can be lost between creating and subscribing.
 */

/** Receives each new full list of addresses. */
export type AddressListener = (addresses: readonly string[]) => void;

/** The resolver port. */
export interface Resolver {
  /** Called once by the channel. The resolver may call `listener` synchronously from here. */
  start(listener: AddressListener): void;
  /** Stops delivering updates and releases what the resolver holds. Idempotent. */
  close(): void;
}

/** `host:port`: a name or IPv4 address without `:`, `/`, `@` or spaces, or `[IPv6]`. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/@[\]]+):(\d{1,5})$/;

/**
 * Checks one address: `host:port` with a port in [1, 65535]. A URL (`http://…`), a missing host
 * or port, or a port that cannot exist would otherwise be dialed, fail, and be redialed forever.
 *
 * @throws TypeError when `address` is not `host:port`; RangeError when the port is out of range.
 */
function checkAddress(address: unknown): string {
  if (typeof address !== "string") {
    throw new TypeError(`"address" must be a "host:port" string, got ${String(address)}`);
  }
  const match = HOST_PORT.exec(address);
  if (match === null) {
    throw new TypeError(
      `"address" must be "host:port" (IPv6 as "[::1]:port", no scheme), got ${JSON.stringify(address)}`,
    );
  }
  const port = Number(match[2]);
  if (port < 1 || port > 65535) {
    throw new RangeError(`"address" port must be in [1, 65535], got ${JSON.stringify(address)}`);
  }
  return address;
}

/**
 * Why `address` cannot be dialed, or undefined when it is a valid `host:port`. The channel uses it
 * on what any resolver (a user's too) hands over, so a malformed address is never dialed.
 */
export function addressError(address: unknown): TypeError | RangeError | undefined {
  try {
    checkAddress(address);
    return undefined;
  } catch (error) {
    return error as TypeError | RangeError;
  }
}

function checkAddresses(addresses: readonly string[]): readonly string[] {
  if (!Array.isArray(addresses)) {
    throw new TypeError('"addresses" must be an array of strings');
  }
  for (const address of addresses) checkAddress(address);
  return [...addresses];
}

/** A resolver that delivers one fixed list. */
export function staticResolver(addresses: readonly string[]): Resolver {
  const list = checkAddresses(addresses);
  return {
    start: (listener) => listener(list),
    close: () => {},
  };
}

/**
 * A resolver driven by hand: each {@link ManualResolver.update} delivers a new full list. The
 * simulation and tests use it to move addresses while the channel runs.
 */
export class ManualResolver implements Resolver {
  #listener: AddressListener | undefined;
  #latest: readonly string[] | undefined;
  #closed = false;

  /** @param initial - a list delivered when the channel starts, if given. */
  constructor(initial?: readonly string[]) {
    if (initial !== undefined) this.#latest = checkAddresses(initial);
  }

  /** @inheritdoc */
  start(listener: AddressListener): void {
    if (this.#closed) return;
    this.#listener = listener;
    if (this.#latest !== undefined) listener(this.#latest);
  }

  /**
   * Delivers a new full list (delivered at start if the channel has not started yet). Ignored
   * after close.
   *
   * @throws TypeError when `addresses` is not an array of non-empty strings.
   */
  update(addresses: readonly string[]): void {
    const list = checkAddresses(addresses);
    if (this.#closed) return;
    this.#latest = list;
    this.#listener?.(list);
  }

  /** @inheritdoc */
  close(): void {
    this.#closed = true;
    this.#listener = undefined;
  }
}

/**
 * Adapts a stream of full address lists (for instance a `Channel<readonly string[]>`) to the
 * resolver port. On close the iterator's `return()` is called so the source can release its
 * waiter; updates that arrive later are ignored.
 */
export function iterableResolver(source: AsyncIterable<readonly string[]>): Resolver {
  let closed = false;
  let iterator: AsyncIterator<readonly string[]> | undefined;
  return {
    start(listener) {
      if (closed) return;
      const it = source[Symbol.asyncIterator]();
      iterator = it;
      const pump = async (): Promise<void> => {
        for (;;) {
          const result = await it.next();
          if (closed || result.done === true) return;
          listener(checkAddresses(result.value));
        }
      };
      // A failing source ends resolution; the channel keeps the last list it received.
      pump().catch(() => {});
    },
    close() {
      if (closed) return;
      closed = true;
      iterator?.return?.()?.catch(() => {});
    },
  };
}
