import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Debian's Chromium; `CHROMIUM_PATH` overrides it on other systems. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A launched headless Chromium with its own throwaway profile. */
export interface HeadlessChromium extends AsyncDisposable {
  /** The browser's only context (a persistent context is how playwright takes a profile dir). */
  readonly context: BrowserContext;
}

/**
 * Launches headless Chromium offline-safe (no first-run, no background networking, no QUIC) with a
 * fresh profile directory. Throws, never skips, when the binary is missing: the timeline test is a
 * CI gate, and a silently skipped gate is a passing gate.
 */
export async function launchChromium(): Promise<HeadlessChromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), "dsim-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1400, height: 720 },
  });
  return {
    context,
    [Symbol.asyncDispose]: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
