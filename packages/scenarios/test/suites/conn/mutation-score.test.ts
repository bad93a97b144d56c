import type { ConnMutants } from "@dsim/core";
import { describe, expect, it } from "vitest";
import { connMutants } from "../../../src/suites/conn/mutant-catalog.js";

describe("conn mutant catalog", () => {
  it("covers every injectable bug of core/conn exactly once", () => {
    // Every key of ConnMutants must have a mutant here (the compiler checks the names).
    const all: Record<keyof ConnMutants, true> = {
      neverResetBackoff: true,
      resetBackoffOnAttempt: true,
      noJitter: true,
      noBackoffWait: true,
      noConnectDeadline: true,
      reconnectOnGoaway: true,
      keepDrainingTransport: true,
      retryPossiblyProcessed: true,
      retryRefusedUnbounded: true,
      applyStaleEvents: true,
      keepRemovedAddresses: true,
      leakOnClose: true,
      failFastWhileConnecting: true,
      deadlineKeepsDialing: true,
      ignoreTooManyPings: true,
      leaveShutdown: true,
    };
    expect(connMutants.map((m) => m.flag).sort()).toEqual(Object.keys(all).sort());
  });
});
