import { describe, expect, it } from "vitest";
import { type EtcdRealRow, perKeepAliveSummary, ratios } from "../../../src/bench/etcd-real.js";

function row(client: string, cpuMs: number, streams: number, member = "leader"): EtcdRealRow {
  return {
    client,
    member,
    establishMs: 0,
    warmupCpuMsPer1kKa: 0,
    cpuMs,
    cpuPct: 0,
    cpuMsPer1kKa: cpuMs / 18,
    cpuSysMs: 0,
    wakeups: 0,
    cpuTotalMs: cpuMs,
    rssPeakMb: 100,
    rssGrowthMb: 20,
    heapPeakMb: 10,
    heapRetainedMb: 2,
    streams,
    streamsInWindow: 0,
    kaRequests: 18_000,
    kaResponses: 18_000,
    reqPerLeaseMin: 18,
    clientResponses: 18_000,
    clientStreams: streams,
    lost: 0,
    expired: 0,
    minTtlLeftS: 6,
    cleanExit: true,
  };
}

describe("etcd-real ratios", () => {
  it("divides etcd3 by each core client and grpc-js by http2, per metric", () => {
    const lines = ratios([
      row("core-http2", 100, 1),
      row("core-grpc-js", 150, 1),
      row("etcd3", 600, 1000),
    ]);
    const cpu = lines.find((line) => line.metric === "cpuMs");
    expect(cpu).toEqual({
      metric: "cpuMs",
      member: "leader",
      "etcd3 / core-http2": 6,
      "etcd3 / core-grpc-js": 4,
      "core-grpc-js / core-http2": 1.5,
    });
    expect(lines.find((line) => line.metric === "streams")?.["etcd3 / core-http2"]).toBe(1000);
    expect(lines[0]).toEqual({
      metric: "cpuMsPer1kKa",
      member: "leader",
      "etcd3 / core-http2": 6,
      "etcd3 / core-grpc-js": 4,
      "core-grpc-js / core-http2": 1.5,
    });
  });

  it("summarises CPU per 1 000 keep-alives and etcd3 / core-http2 in one line", () => {
    const rows = [row("core-http2", 180, 1), row("core-grpc-js", 360, 1), row("etcd3", 4500, 1000)];
    expect(perKeepAliveSummary(rows)).toBe(
      "etcd-real: CPU per 1 000 keep-alives (window, leader): core-http2 10 ms, core-grpc-js 20 ms, " +
        "etcd3 250 ms; etcd3 / core-http2 = 25",
    );
    expect(perKeepAliveSummary([row("core-http2", 180, 1)])).toBe(
      "etcd-real: CPU per 1 000 keep-alives (window, leader): core-http2 10 ms",
    );
  });

  it("says n/a instead of dividing by zero and skips missing clients", () => {
    const lines = ratios([row("core-http2", 0, 0), row("etcd3", 5, 3)]);
    expect(lines.find((line) => line.metric === "cpuMs")).toEqual({
      metric: "cpuMs",
      member: "leader",
      "etcd3 / core-http2": "n/a",
    });
  });

  it("compares clients only against the same member, and core-http2 with the bare floor", () => {
    const rows = [
      row("http2-bare", 90, 1, "leader"),
      row("core-http2", 180, 1, "leader"),
      row("etcd3", 1800, 1000, "leader"),
      row("http2-bare", 900, 1, "follower"),
      row("core-http2", 1080, 1, "follower"),
      row("etcd3", 3240, 1000, "follower"),
    ];
    const cpu = ratios(rows).filter((line) => line.metric === "cpuMs");
    expect(cpu).toEqual([
      { metric: "cpuMs", member: "leader", "etcd3 / core-http2": 10, "core-http2 / http2-bare": 2 },
      {
        metric: "cpuMs",
        member: "follower",
        "etcd3 / core-http2": 3,
        "core-http2 / http2-bare": 1.2,
      },
    ]);
    expect(perKeepAliveSummary(rows).split("\n")).toEqual([
      "etcd-real: CPU per 1 000 keep-alives (window, leader): http2-bare 5 ms, core-http2 10 ms, " +
        "etcd3 100 ms; etcd3 / core-http2 = 10",
      "etcd-real: CPU per 1 000 keep-alives (window, follower): http2-bare 50 ms, core-http2 60 ms, " +
        "etcd3 180 ms; etcd3 / core-http2 = 3",
    ]);
  });
});
