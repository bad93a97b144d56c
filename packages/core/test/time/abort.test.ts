import { describe, expect, it } from "vitest";
import {
  abortReason,
  isAbortError,
  isTimeoutError,
  throwIfAborted,
  timeoutError,
} from "../../src/time/abort.js";

describe("abort helpers", () => {
  it("abortReason returns the reason, or an AbortError when the reason is undefined", () => {
    const reason = new Error("r");
    expect(abortReason(AbortSignal.abort(reason))).toBe(reason);
    // A hand-written signal-like object with an undefined reason.
    const fake = { aborted: true, reason: undefined } as AbortSignal;
    expect(isAbortError(abortReason(fake))).toBe(true);
    // Node turns abort() without a reason into an AbortError DOMException.
    expect(isAbortError(abortReason(AbortSignal.abort()))).toBe(true);
  });

  it("throwIfAborted throws only for an aborted signal", () => {
    expect(() => throwIfAborted(undefined)).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
    const reason = new Error("r");
    expect(() => throwIfAborted(AbortSignal.abort(reason))).toThrow(reason);
  });

  it("timeoutError is recognised by isTimeoutError and not by isAbortError", () => {
    const error = timeoutError(20);
    expect(isTimeoutError(error)).toBe(true);
    expect(isAbortError(error)).toBe(false);
    expect(error.message).toContain("20 ms");
    expect(isTimeoutError(new Error("TimeoutError"))).toBe(false);
  });
});
