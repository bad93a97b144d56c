import { describe, expect, it } from "vitest";
import { mapLimit } from "../../../src/bench/etcd-real/driver.js";
import { parseChildLine } from "../../../src/bench/etcd-real/protocol.js";

describe("child protocol", () => {
  it("recognises markers and results and ignores other output", () => {
    expect(parseChildLine('{"marker":"window-start"}\n')).toEqual({ marker: "window-start" });
    expect(parseChildLine('{"client":"etcd3","cpuMs":12}')).toEqual({
      client: "etcd3",
      cpuMs: 12,
    });
    expect(parseChildLine("(node:1) Warning: something")).toBeUndefined();
    expect(parseChildLine("{not json")).toBeUndefined();
    expect(parseChildLine('{"marker":"other"}')).toBeUndefined();
  });
});

describe("mapLimit", () => {
  it("keeps order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await Promise.resolve();
      await Promise.resolve();
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
