/**
 * Real headless Chromium for the web client's end-to-end stories: Debian's `chromium` package driven
 * by playwright-core (which never downloads a browser). Each launched browser gets a fresh
 * temporary profile (`--user-data-dir`, created by playwright-core for every `launch()` and removed
 * when the browser closes); each player is a browser context of its own, so players share nothing —
 * no cookies, no storage.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { REPOSITORY_ROOT } from "./processes.ts";

const CHROMIUM_PATH = "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOT_DIR = path.join(REPOSITORY_ROOT, "test-artifacts", "screens");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/** A player's own browser context (own cookies and storage) with one page, failing on page errors. */
export async function playerPage(
  browser: Browser,
  viewport: { width: number; height: number },
  mobile = false,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport,
    isMobile: mobile,
    hasTouch: mobile,
    deviceScaleFactor: 1,
    reducedMotion: "reduce",
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

/** Saves a screenshot of the page as test-artifacts/screens/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Types `text` key by key like a person: intervals vary around `meanMs` (from half to one and a half
 * times it), as the server's fair-play check expects of humans; a machine-even rhythm is flagged.
 */
export async function typeLikeAPerson(page: Page, text: string, meanMs: number): Promise<void> {
  let seed = 0x2545f491;
  for (const char of text) {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    await page.keyboard.type(char);
    await new Promise((resolve) => setTimeout(resolve, meanMs * (0.5 + seed / 0x1_0000_0000)));
  }
}
