import { describe, expect, it } from "vitest";
import { type CpuProfile, topSelfTime } from "../../../src/bench/etcd-real/profile-top.js";

function frame(functionName: string, url = "", lineNumber = 0) {
  return { functionName, url, lineNumber };
}

// 10 samples over 10 ms: 4 idle, 6 busy; `send` appears in two call-tree nodes.
const PROFILE: CpuProfile = {
  startTime: 0,
  endTime: 10_000,
  nodes: [
    { id: 1, callFrame: frame("(root)"), hitCount: 0 },
    { id: 2, callFrame: frame("(idle)"), hitCount: 4 },
    { id: 3, callFrame: frame("send", "file:///repo/src/conn/call-bidi.ts", 123), hitCount: 2 },
    { id: 4, callFrame: frame("send", "file:///repo/src/conn/call-bidi.ts", 123), hitCount: 1 },
    { id: 5, callFrame: frame("(garbage collector)"), hitCount: 2 },
    { id: 6, callFrame: frame("", "node:internal/timers", 9), hitCount: 1 },
  ],
};

describe("topSelfTime", () => {
  it("sums a function over its nodes, leaves idle out and shares the busy samples", () => {
    expect(topSelfTime(PROFILE, 2)).toEqual([
      { fn: "send (conn/call-bidi.ts:124)", selfMs: 3, selfPct: 50 },
      { fn: "(garbage collector)", selfMs: 2, selfPct: 33.3 },
    ]);
    expect(topSelfTime(PROFILE, 10).map((entry) => entry.fn)).toEqual([
      "send (conn/call-bidi.ts:124)",
      "(garbage collector)",
      "(anonymous) (node:internal/timers:10)",
    ]);
  });

  it("is empty for a profile that only idled", () => {
    expect(
      topSelfTime(
        { startTime: 0, endTime: 1, nodes: [{ id: 1, callFrame: frame("(idle)"), hitCount: 3 }] },
        5,
      ),
    ).toEqual([]);
  });
});
