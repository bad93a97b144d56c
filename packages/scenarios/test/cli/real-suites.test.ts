import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { netDelivery } from "../../src/suites/net-delivery.js";
import { captureIo } from "./capture-io.js";

describe("dsim with the real suite registry", () => {
  it("lists net-delivery, and demo-failure only with DSIM_DEMO=1", async () => {
    const plain = captureIo({});
    expect(await main(["list"], plain.io)).toBe(0);
    expect(plain.stdout()).toMatch(new RegExp(`net-delivery\\s+${netDelivery.defaultRuns}\\s`));
    expect(plain.stdout()).not.toContain("demo-failure");
    const demo = captureIo({ DSIM_DEMO: "1" });
    expect(await main(["list"], demo.io)).toBe(0);
    expect(demo.stdout()).toContain("demo-failure (demo)");
  });

  it("runs net-delivery green and demo-failure red in one invocation", async () => {
    const captured = captureIo({ DSIM_DEMO: "1" });
    const code = await main(
      ["run", "net-delivery", "demo-failure", "--runs", "30", "--reporter", "json"],
      captured.io,
    );
    expect(code).toBe(1);
    const report = JSON.parse(captured.stdout()) as {
      suites: { name: string; failures: number }[];
    };
    expect(report.suites.map((s) => [s.name, s.failures])).toEqual([
      ["net-delivery", 0],
      ["demo-failure", 1],
    ]);
  });
});
