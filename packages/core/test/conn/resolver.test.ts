import { describe, expect, it } from "vitest";
import {
  iterableResolver,
  ManualResolver,
  type Resolver,
  StatusError,
  staticResolver,
} from "../../src/conn/index.js";
import { echo, setup } from "./harness.js";
import { flush } from "./virtual-clock.js";

/** A hand-driven async iterable of address lists (stands in for a Channel). */
function source() {
  const queue: (readonly string[])[] = [];
  let wake: (() => void) | undefined;
  let returned = false;
  const iterable: AsyncIterable<readonly string[]> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        while (queue.length === 0 && !returned) await new Promise<void>((r) => (wake = r));
        const value = queue.shift();
        return value === undefined ? { value: undefined, done: true } : { value, done: false };
      },
      return: async () => {
        returned = true;
        wake?.();
        return { value: undefined, done: true };
      },
    }),
  };
  return {
    iterable,
    push: (list: readonly string[]) => {
      queue.push(list);
      wake?.();
    },
    get returned() {
      return returned;
    },
  };
}

describe("resolvers", () => {
  it("iterableResolver feeds full lists from a stream and releases it on close", async () => {
    const feed = source();
    const { conn, dialer, clock } = setup({ resolver: iterableResolver(feed.iterable) });
    feed.push(["a:1"]);
    await flush();
    await expect(conn.unary(echo, { n: 1 })).resolves.toEqual({ n: 1 });
    feed.push(["b:1"]);
    await flush();
    dialer.transports[0]?.kill();
    await expect(conn.unary(echo, { n: 2 })).resolves.toEqual({ n: 2 });
    expect(dialer.dials.map((d) => d.address)).toEqual(["a:1", "b:1"]);
    await conn.close();
    await flush();
    expect(feed.returned).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  it("address lists are validated", () => {
    expect(() => staticResolver(["ok:1", ""])).toThrow(TypeError);
    expect(() => new ManualResolver(["a:1"]).update("a:1" as unknown as string[])).toThrow(
      TypeError,
    );
  });

  it("ManualResolver delivers its latest list on start and nothing after close", () => {
    const resolver = new ManualResolver(["a:1"]);
    resolver.update(["b:1"]);
    const seen: (readonly string[])[] = [];
    resolver.start((list) => seen.push(list));
    resolver.update(["c:1"]);
    resolver.close();
    resolver.update(["d:1"]);
    expect(seen).toEqual([["b:1"], ["c:1"]]);
  });

  it("a user's resolver that hands over malformed addresses gets them ignored, never dialed", async () => {
    // Issue 13: `127.0.0.1:99999` and `http://…` were dialed and redialed forever.
    const handOver: Resolver = {
      start: (listener) => listener(["127.0.0.1:99999", "http://a:1", "", "b:2"]),
      close: () => {},
    };
    const { conn, dialer } = setup({ resolver: handOver });
    await expect(conn.unary(echo, { n: 1 })).resolves.toEqual({ n: 1 });
    expect(dialer.dials.map((d) => d.address)).toEqual(["b:2"]);
    await conn.close();
  });

  it("a resolver with only malformed addresses fails fast calls with a message naming one", async () => {
    const handOver: Resolver = {
      start: (listener) => listener(["127.0.0.1:99999"]),
      close: () => {},
    };
    const { conn, dialer } = setup({ resolver: handOver });
    const failure = await conn.unary(echo, { n: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StatusError);
    expect((failure as StatusError).message).toMatch(/127\.0\.0\.1:99999/);
    expect(dialer.dials).toEqual([]);
    await conn.close();
  });
});
