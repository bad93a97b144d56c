import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { runSuite } from "../../src/runner/run-suite.js";
import type { Suite } from "../../src/runner/suite.js";
import { demoFailure } from "../../src/suites/demo-failure.js";
import { captureIo } from "../cli/capture-io.js";
import { type HeadlessChromium, launchChromium } from "./chromium.js";
import { HOSTILE, lanesSuite } from "./fixtures.js";

const REPORTS = fileURLToPath(new URL("../../reports/", import.meta.url));
const registry = [demoFailure, lanesSuite] as readonly Suite<unknown>[];

let launched: Promise<HeadlessChromium> | undefined;
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dsim-timeline-"));
});
afterAll(async () => {
  // A failed launch has nothing to close; its error was already reported by the tests.
  const chromium = await launched?.catch(() => undefined);
  await chromium?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

/**
 * Launched inside the tests rather than in `beforeAll`, so a missing Chromium fails every test by
 * name with the install hint (a hook failure would only mark them skipped).
 */
function browser(): Promise<HeadlessChromium> {
  launched ??= launchChromium();
  return launched;
}

/** Writes the timeline of one case with `dsim replay --html` exactly as a user would. */
async function replayToHtml(suite: string, seed: number, path: string): Promise<string> {
  const file = join(dir, `${suite}.html`);
  const captured = captureIo({ DSIM_DEMO: "1" });
  const argv = ["replay", suite, "--seed", String(seed), "--path", path, "--html", file];
  const code = await main(argv, captured.io, registry);
  expect(code, captured.stderr()).toBe(1);
  expect(captured.stderr()).toContain(`wrote timeline to ${file}`);
  return file;
}

/** Opens a page and records every request that is not the file itself. */
async function open(file: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await (await browser()).context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  const url = pathToFileURL(file).href;
  page.on("request", (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 10_000 });
  return { page, requests, errors };
}

describe("the HTML timeline in headless Chromium", () => {
  it("renders a demo failure's lanes, shows event details on click, marks the invariant", async () => {
    const found = await runSuite(demoFailure, { seed: 42, runs: 100 });
    const failure = found.failure;
    if (failure === undefined) throw new Error("demo-failure did not fail with seed 42");
    const file = await replayToHtml("demo-failure", failure.seed, failure.path);
    const { page, requests, errors } = await open(file);
    try {
      const lanes = await page
        .locator(".row")
        .evaluateAll((rows) =>
          rows.map((row) => `${row.getAttribute("data-group")}:${row.getAttribute("data-lane")}`),
        );
      expect(lanes).toEqual(["client:client", "net:net", "fault:fault", "harness:runner"]);
      const labels = await page.locator(".label").count();
      expect(labels).toBe(lanes.length);

      // The banner names the invariant; the marker sits where the broken event is drawn.
      await expect(page.locator("#banner").textContent()).resolves.toContain(failure.invariant);
      const marker = page.locator("#invariant-marker");
      await expect(marker.count()).resolves.toBe(1);
      const broken = page.locator(".ev.broken");
      await expect(broken.count()).resolves.toBe(1);

      // Clicking a fault event shows its JSON.
      await page.locator('.row[data-group="fault"] .ev').first().click();
      const detail = JSON.parse((await page.locator("#detail-json").textContent()) ?? "") as {
        source: string;
        kind: string;
      };
      expect(detail).toMatchObject({ source: "fault", kind: "partition" });

      // The banner selects the broken event.
      await page.locator("#banner").click();
      await expect(page.locator("#detail-json").textContent()).resolves.toContain(
        "invariant.broken",
      );
      await expect(page.locator("#plan-json").textContent()).resolves.toContain('"partition"');

      // Zoom: the button doubles the scale, the wheel zooms too.
      const scaleOf = async (): Promise<number> =>
        Number(await page.locator("#canvas").getAttribute("data-scale"));
      const before = await scaleOf();
      await page.locator("#zoom-in").click();
      expect(await scaleOf()).toBeCloseTo(before * 2);
      await page.locator("#scroller").hover();
      await page.mouse.wheel(0, 200);
      expect(await scaleOf()).toBeLessThan(before * 2);
      await page.locator("#zoom-fit").click();
      expect(await scaleOf()).toBeCloseTo(before);

      await mkdir(REPORTS, { recursive: true });
      const shot = join(REPORTS, "timeline-demo-failure.png");
      await page.screenshot({ path: shot, fullPage: true });
      expect((await readFile(shot)).subarray(1, 4).toString()).toBe("PNG");
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows hostile trace strings as text, never as markup", async () => {
    const file = await replayToHtml("test-lanes", 1, "0");
    const { page, errors } = await open(file);
    try {
      expect(await page.evaluate(() => "__pwned" in globalThis)).toBe(false);
      const groups = await page
        .locator(".row")
        .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-group")));
      expect(groups).toEqual(["client", "server", "net", "fault", "harness"]);
      await page.locator('.row[data-lane="lessor"] .ev').click();
      await expect(page.locator("#detail-json").textContent()).resolves.toContain(
        JSON.stringify(HOSTILE).slice(1, -1),
      );
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
