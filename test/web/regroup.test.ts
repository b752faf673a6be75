/**
 * Matchmaking by skill in Chromium: three friends of different ratings who queue together open
 * three lobbies, and the younger lobbies regroup into the oldest as their windows widen. The pages
 * queue again by themselves, say only that they find a fuller race (never that the server restarts),
 * and all three race together.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createDatabase } from "../../src/db/database.ts";
import { buildWebClient } from "../../web/build.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { DESKTOP, launchChromium, playerPage } from "../support/chromium.ts";
import { gameIdOf } from "../support/racePages.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

/** Plays as a new guest of that name (stored where the page keeps its session); answers their id. */
async function guestOn(page: Page, baseUrl: string, name: string): Promise<string> {
  await page.goto(baseUrl);
  const id = await page.evaluate(async (guestName) => {
    const response = await fetch("/api/v1/auth/guest", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: guestName }),
    });
    const { data } = (await response.json()) as { data: { user: { id: string } } };
    localStorage.setItem("typephoon.session", JSON.stringify(data));
    return data.user.id;
  }, name);
  await page.reload();
  return id;
}

/** Run in a page: records every text its lobby status line and connection banner show, in `window.seenTexts`. */
const RECORD_LOBBY_TEXTS = `(() => {
  const seen = [];
  window.seenTexts = seen;
  new MutationObserver(() => {
    for (const element of document.querySelectorAll(".lobby-status, #connection-banner")) {
      const text = element.textContent ?? "";
      if (text && !seen.includes(text)) seen.push(text);
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
})()`;

describe("the web client: friends of different ratings race together (lobbies regroup)", function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[][] = [];

  before(async () => {
    await buildWebClient();
    [server, browser] = await Promise.all([
      startTestServer({
        LOBBY_MAX_PLAYERS: "3",
        LOBBY_COUNTDOWN_MS: "20000",
        RACE_WORDS: "10",
        // The race the test ends on waits this long for its closed pages before the server stops.
        RECONNECT_GRACE_S: "5",
      }),
      launchChromium(),
    ]);
  });
  after(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    await browser?.close();
    await server?.stop();
    for (const errors of pageErrors) assert.deepEqual(errors, [], "errors in the pages");
  });

  it("three lobbies become one race, told only that a fuller race is found", async () => {
    const friends: Array<[string, number]> = [
      ["Ann", 1150],
      ["Bob", 1000],
      ["Cy", 850],
    ];
    const pages: Page[] = [];
    const db = createDatabase(testDatabaseUrl());
    try {
      for (const [name, rating] of friends) {
        const opened = await playerPage(browser, DESKTOP);
        contexts.push(opened.context);
        pageErrors.push(opened.errors);
        pages.push(opened.page);
        const id = await guestOn(opened.page, server.url, name);
        await db.sql.$executeRaw`UPDATE users SET rating = ${rating} WHERE id = ${id}::uuid`;
      }
    } finally {
      await db.close();
    }

    for (const page of pages) {
      await page.evaluate(RECORD_LOBBY_TEXTS);
      await page.click("#find-race");
      await page.waitForSelector(".lobby-players li.me");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await Promise.all(pages.map((page) => page.waitForURL(/#\/race\//, { timeout: 15_000 })));
    assert.equal(new Set(pages.map((page) => gameIdOf(page))).size, 1, "one race for all three");

    const texts = (await Promise.all(pages.map((page) => page.evaluate("window.seenTexts")))) as string[][];
    for (const [index, seen] of texts.entries()) {
      assert.ok(
        seen.every((text) => !/restarting/i.test(text)),
        `${friends[index]![0]}: ${JSON.stringify(seen)}`,
      );
    }
    assert.ok(
      texts.filter((seen) => seen.includes("Finding you a fuller race…")).length >= 1,
      `someone moved: ${JSON.stringify(texts)}`,
    );
    assert.ok(!texts[0]!.includes("Finding you a fuller race…"), "the oldest lobby's player never moves");
  });
});
