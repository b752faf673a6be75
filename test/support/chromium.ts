/**
 * Real headless Chromium for the web client's end-to-end stories: Debian's `chromium` package driven
 * by playwright-core (which never downloads a browser). Each launched browser gets a fresh
 * temporary profile (`--user-data-dir`, created by playwright-core for every `launch()` and removed
 * when the browser closes); each player is a browser context of its own, so players share nothing —
 * no cookies, no storage.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Protocol } from "@colyseus/core";
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
  keepJournal(page);
  return { context, page, errors };
}

/**
 * What each open page saw, for a failed test's output: its navigations, console errors and, second
 * by second, the frames of its WebSockets by Colyseus protocol code, so a stuck page shows whether
 * the server's patches reached it.
 */
const journals = new Map<Page, string[]>();
/** Colyseus's protocol codes by number: ROOM_STATE, ROOM_STATE_PATCH, ROOM_DATA… */
const COLYSEUS_CODES: Record<number, string> = Object.fromEntries(
  Object.entries(Protocol).map(([name, code]) => [code, name]),
);

function keepJournal(page: Page): void {
  const started = Date.now();
  const journal: string[] = [];
  const at = () => ((Date.now() - started) / 1000).toFixed(2);
  const note = (line: string) => journal.push(`${at()}s ${line}`);
  journals.set(page, journal);
  page.on("close", () => journals.delete(page));
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) note(`at ${frame.url()}`);
  });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") note(`console ${message.text()}`);
  });
  page.on("websocket", (socket) => {
    const name = new URL(socket.url()).pathname.split("/").slice(-2).join("/");
    note(`ws ${name} open`);
    // This second's frames, counted by way and kind, in one line that grows until the second ends.
    let second = -1;
    let counts = new Map<string, number>();
    let line = -1;
    const frame =
      (way: string) =>
      ({ payload }: { payload: string | Buffer }) => {
        const now = Math.floor((Date.now() - started) / 1000);
        if (now !== second || line !== journal.length - 1) {
          second = now;
          counts = new Map();
          journal.push("");
          line = journal.length - 1;
        }
        const code = typeof payload === "string" ? -1 : (payload[0] ?? 0) & 0x1f;
        const kind = `${way} ${COLYSEUS_CODES[code] ?? code}`;
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
        const summary = [...counts].map(([what, n]) => (n > 1 ? `${what}×${n}` : what)).join(", ");
        journal[line] = `${at()}s ws ${name} ${summary}`;
      };
    socket.on("framereceived", frame("<"));
    socket.on("framesent", frame(">"));
    socket.on("close", () => note(`ws ${name} closed`));
  });
}

/** Prints each open page's journal and saves its screenshot (test-artifacts/failures/). */
export async function reportOpenPages(test: string): Promise<void> {
  let n = 0;
  for (const [page, journal] of journals) {
    n++;
    const name = `${test.replace(/[^\w]+/g, "-").slice(0, 80)}-${n}`;
    const shot = path.join(REPOSITORY_ROOT, "test-artifacts", "failures", `${name}.png`);
    await mkdir(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true, timeout: 5_000 }).catch(() => {});
    const lines = journal.slice(-150);
    console.log(
      `\n--- page ${n} of the failed test (${page.url()}; screenshot ${shot}):\n${lines.join("\n")}`,
    );
  }
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
