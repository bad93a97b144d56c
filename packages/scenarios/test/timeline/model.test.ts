import { describe, expect, it } from "vitest";
import { replayCase } from "../../src/runner/replay-case.js";
import { buildLanes, laneGroupOf } from "../../src/timeline/lanes.js";
import { buildTimeline } from "../../src/timeline/model.js";
import { embedJson, renderTimelineHtml } from "../../src/timeline/render-html.js";
import { HOSTILE, lanesSuite } from "./fixtures.js";

describe("lanes", () => {
  it.each([
    ["net", "net"],
    ["fault", "fault"],
    ["kernel", "harness"],
    ["runner", "harness"],
    ["grpc-server:10.0.0.1:2379", "server"],
    ["http-server:jwks", "server"],
    ["etcd-member-2", "server"],
    ["lessor", "client"],
    ["grpc-client:client", "client"],
    ["workload", "client"],
  ] as const)("classifies %s as %s", (source, group) => {
    expect(laneGroupOf(source)).toBe(group);
  });

  it("orders lanes by group, then by first appearance, one per source", () => {
    const lanes = buildLanes(["net", "runner", "lessor", "fault", "member-1", "conn", "net"]);
    expect(lanes.map((lane) => lane.source)).toEqual([
      "lessor",
      "conn",
      "member-1",
      "net",
      "fault",
      "runner",
    ]);
  });
});

describe("timeline model", () => {
  it("puts each event on its source's lane and marks when the invariant broke", async () => {
    const result = await replayCase(lanesSuite, { seed: 1, path: "0" });
    const model = buildTimeline(result);
    expect(model.lanes.map((lane) => lane.group)).toEqual([
      "client",
      "server",
      "net",
      "fault",
      "harness",
    ]);
    for (const event of model.events) {
      expect(model.lanes[event.lane]?.source).toBe(event.source);
    }
    expect(model.verdict).toMatchObject({ invariant: "test.lease-kept", at: 40 });
    const broken = model.events.find((event) => event.seq === model.verdict?.seq);
    expect(broken?.kind).toBe("invariant.broken");
    expect(model.endMs).toBe(40);
  });
});

describe("html", () => {
  it("embeds JSON that cannot close the script block and parses back unchanged", () => {
    const value = { text: HOSTILE, sep: "a\u2028b" };
    const embedded = embedJson(value);
    expect(embedded).not.toContain("<");
    expect(JSON.parse(embedded)).toEqual(value);
  });

  it("is self-contained: one document, no external URL, a CSP that forbids fetching", async () => {
    const html = renderTimelineHtml(await replayCase(lanesSuite, { seed: 1, path: "0" }));
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain("FAILED test.lease-kept");
  });
});
