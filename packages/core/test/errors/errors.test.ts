import { describe, expect, it } from "vitest";
import { DsimError, isDsimError } from "../../src/errors.js";

class ClosedError extends DsimError {
  constructor() {
    super("CLOSED", "closed");
  }
}

describe("DsimError", () => {
  it("carries a code, a cause and the subclass name", () => {
    const cause = new Error("root");
    const error = new DsimError("TIMEOUT", "too slow", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("TIMEOUT");
    expect(error.cause).toBe(cause);
    expect(error.name).toBe("DsimError");
    expect(new ClosedError().name).toBe("ClosedError");
    expect("cause" in new DsimError("ABORTED", "no cause")).toBe(false);
  });

  it("isDsimError narrows by class and optional code", () => {
    const error = new ClosedError();
    expect(isDsimError(error)).toBe(true);
    expect(isDsimError(error, "CLOSED")).toBe(true);
    expect(isDsimError(error, "TIMEOUT")).toBe(false);
    expect(isDsimError(new Error("x"))).toBe(false);
    expect(isDsimError({ code: "CLOSED" })).toBe(false);
  });
});
