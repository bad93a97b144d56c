import { describe, expect, it } from "vitest";
import { anySignal } from "../../src/time/any-signal.js";
import { trackAbortListeners } from "./manual-clock.js";

describe("anySignal", () => {
  it("aborts with the first source's reason and detaches from every source", () => {
    const a = new AbortController();
    const b = new AbortController();
    const la = trackAbortListeners(a.signal);
    const lb = trackAbortListeners(b.signal);
    const linked = anySignal([a.signal, undefined, b.signal]);
    expect(la.count()).toBe(1);
    expect(lb.count()).toBe(1);
    const reason = new Error("b");
    b.abort(reason);
    expect(linked.signal.reason).toBe(reason);
    expect(la.count()).toBe(0);
    expect(lb.count()).toBe(0);
    a.abort(new Error("a"));
    expect(linked.signal.reason).toBe(reason);
  });

  it("is aborted at once when a source already is, adding no listener", () => {
    const a = new AbortController();
    const la = trackAbortListeners(a.signal);
    const reason = new Error("x");
    const linked = anySignal([a.signal, AbortSignal.abort(reason)]);
    expect(linked.signal.reason).toBe(reason);
    expect(la.count()).toBe(0);
  });

  it("clear() removes the listeners and the signal stays unaborted", () => {
    const a = new AbortController();
    const la = trackAbortListeners(a.signal);
    const linked = anySignal([a.signal]);
    linked[Symbol.dispose]();
    expect(la.count()).toBe(0);
    a.abort();
    expect(linked.signal.aborted).toBe(false);
  });

  it("never aborts with no sources, and rejects non-signals", () => {
    expect(anySignal([]).signal.aborted).toBe(false);
    expect(() => anySignal([{} as AbortSignal])).toThrow(TypeError);
  });
});
