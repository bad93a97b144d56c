import { describe, expect, it, vi } from "vitest";
import { Channel } from "../../src/sync/channel.js";
import { flushMicrotasks, trackAbortListeners } from "../time/manual-clock.js";

async function collect<T>(channel: Channel<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of channel) out.push(item);
  return out;
}

describe("Channel: construction", () => {
  it.each([
    [{ capacity: -1 }, RangeError],
    [{ capacity: 1.5 }, RangeError],
    [{ capacity: Number.NaN }, RangeError],
    [{ capacity: Number.POSITIVE_INFINITY }, RangeError],
    [{ capacity: "16" }, TypeError],
    [{}, TypeError],
    [{ capacity: 1, onReceiverDetached: 3 }, TypeError],
  ])("rejects %o", (options, type) => {
    expect(() => new Channel(options as never)).toThrow(type);
  });

  it("exposes capacity, size and state", () => {
    const ch = new Channel<number>({ capacity: 16 });
    expect(ch.capacity).toBe(16);
    expect(ch.size).toBe(0);
    expect(ch.closed).toBe(false);
    expect(ch.closeReason).toBeUndefined();
    expect(ch.receiverAttached).toBe(false);
  });
});

describe("Channel: sending", () => {
  it("buffers up to capacity, then drops and returns false", () => {
    const ch = new Channel<number>({ capacity: 2 });
    expect(ch.trySend(1)).toBe(true);
    expect(ch.trySend(2)).toBe(true);
    expect(ch.trySend(3)).toBe(false);
    expect(ch.size).toBe(2);
  });

  it("capacity 0 accepts only when a receiver is waiting", async () => {
    const ch = new Channel<string>({ capacity: 0 });
    expect(ch.trySend("dropped")).toBe(false);
    const pending = ch.receive();
    expect(ch.trySend("handed")).toBe(true);
    expect(ch.size).toBe(0);
    await expect(pending).resolves.toEqual({ done: false, value: "handed" });
    expect(ch.trySend("dropped again")).toBe(false);
  });

  it("returns false (never throws) after close", () => {
    const ch = new Channel<number>({ capacity: 4 });
    ch.close();
    expect(ch.trySend(1)).toBe(false);
    expect(ch.size).toBe(0);
  });

  it("hands an item to a waiting receiver without buffering it", async () => {
    const ch = new Channel<number>({ capacity: 1 });
    const p = ch.receive();
    expect(ch.trySend(7)).toBe(true);
    expect(ch.size).toBe(0);
    expect(ch.trySend(8)).toBe(true);
    await expect(p).resolves.toEqual({ done: false, value: 7 });
    await expect(ch.receive()).resolves.toEqual({ done: false, value: 8 });
  });
});

describe("Channel: closing", () => {
  it("is idempotent and keeps the first reason", async () => {
    const ch = new Channel<number>({ capacity: 1 });
    const whenClosed = ch.whenClosed;
    const first = new Error("first");
    expect(ch.close(first)).toBe(true);
    expect(ch.close(new Error("second"))).toBe(false);
    expect(ch.closed).toBe(true);
    expect(ch.closeReason).toBe(first);
    await expect(whenClosed).resolves.toBe(first);
    await expect(ch.whenClosed).resolves.toBe(first);
  });

  it("lets the receiver drain the buffer, then ends", async () => {
    const ch = new Channel<number>({ capacity: 3 });
    ch.trySend(1);
    ch.trySend(2);
    ch.close();
    expect(await collect(ch)).toEqual([1, 2]);
    await expect(ch.receive()).resolves.toEqual({ done: true, value: undefined });
  });

  it("ends a waiting receiver", async () => {
    const ch = new Channel<number>({ capacity: 3 });
    const out = collect(ch);
    await flushMicrotasks();
    ch.trySend(1);
    ch.close("bye");
    await expect(out).resolves.toEqual([1]);
    expect(ch.receiverAttached).toBe(false);
  });

  it("supports `using` (dispose closes)", () => {
    let ch: Channel<number>;
    {
      using scoped = new Channel<number>({ capacity: 1 });
      ch = scoped;
    }
    expect(ch.closed).toBe(true);
  });

  it("supports `await using` (async dispose closes)", async () => {
    let ch: Channel<number>;
    {
      await using scoped = new Channel<number>({ capacity: 1 });
      ch = scoped;
    }
    expect(ch.closed).toBe(true);
  });
});

describe("Channel: receiving", () => {
  it("receive() rejects with the abort reason, removes its listener and loses no item", async () => {
    const ch = new Channel<number>({ capacity: 1 });
    const controller = new AbortController();
    const listeners = trackAbortListeners(controller.signal);
    const p = ch.receive(controller.signal);
    expect(listeners.count()).toBe(1);
    const reason = new Error("cancel");
    controller.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(listeners.count()).toBe(0);
    expect(ch.trySend(5)).toBe(true);
    expect(ch.size).toBe(1);
    await expect(ch.receive()).resolves.toEqual({ done: false, value: 5 });
  });

  it("receive() removes its listener when an item arrives", async () => {
    const ch = new Channel<number>({ capacity: 1 });
    const controller = new AbortController();
    const listeners = trackAbortListeners(controller.signal);
    const p = ch.receive(controller.signal);
    ch.trySend(1);
    await p;
    expect(listeners.count()).toBe(0);
  });

  it("receive() with an aborted signal rejects even if items are buffered, keeping them", async () => {
    const ch = new Channel<number>({ capacity: 1 });
    ch.trySend(1);
    const reason = new Error("x");
    await expect(ch.receive(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(ch.size).toBe(1);
  });

  it("a second concurrent receive or iterator is a TypeError", async () => {
    const ch = new Channel<number>({ capacity: 1 });
    const p = ch.receive();
    expect(() => ch.receive()).toThrow(TypeError);
    expect(() => ch[Symbol.asyncIterator]()).toThrow(TypeError);
    ch.trySend(1);
    await p;
    const it1 = ch[Symbol.asyncIterator]();
    expect(() => ch[Symbol.asyncIterator]()).toThrow(TypeError);
    expect(() => ch.receive()).toThrow(TypeError);
    await it1.return?.();
    expect(() => ch[Symbol.asyncIterator]()).not.toThrow();
  });

  it("rejects a non-signal", () => {
    const ch = new Channel<number>({ capacity: 1 });
    expect(() => ch.receive(1 as unknown as AbortSignal)).toThrow(TypeError);
  });
});

describe("Channel: receiver detaching", () => {
  it("break releases the lock, notifies the owner once, and does not close the channel", async () => {
    const onReceiverDetached = vi.fn();
    const ch = new Channel<number>({ capacity: 4, onReceiverDetached });
    ch.trySend(1);
    ch.trySend(2);
    ch.trySend(3);
    for await (const item of ch) {
      expect(item).toBe(1);
      break;
    }
    expect(onReceiverDetached).toHaveBeenCalledTimes(1);
    expect(ch.closed).toBe(false);
    expect(ch.receiverAttached).toBe(false);
    // A later receiver continues with what is buffered.
    ch.close();
    expect(await collect(ch)).toEqual([2, 3]);
    expect(onReceiverDetached).toHaveBeenCalledTimes(1);
  });

  it("an exception in the loop body detaches the receiver too", async () => {
    const onReceiverDetached = vi.fn();
    const ch = new Channel<number>({ capacity: 1, onReceiverDetached });
    ch.trySend(1);
    await expect(
      (async () => {
        for await (const _ of ch) throw new Error("boom");
      })(),
    ).rejects.toThrow("boom");
    expect(onReceiverDetached).toHaveBeenCalledTimes(1);
  });

  it("does not notify when iteration ends because the channel closed", async () => {
    const onReceiverDetached = vi.fn();
    const ch = new Channel<number>({ capacity: 1, onReceiverDetached });
    ch.close();
    expect(await collect(ch)).toEqual([]);
    expect(onReceiverDetached).not.toHaveBeenCalled();
  });

  it("return() ends a pending next() without consuming a later item", async () => {
    const ch = new Channel<number>({ capacity: 1 });
    const iterator = ch[Symbol.asyncIterator]();
    const pending = iterator.next();
    await iterator.return?.();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    expect(ch.trySend(9)).toBe(true);
    expect(ch.size).toBe(1);
  });
});
