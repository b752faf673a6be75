/**
 * What a race leaves a player, in Chromium: a player who does not finish gets a card with what they
 * typed, scored over the time they typed, and the race in their history marked as not finished; a
 * race alone is no win.
 */
import assert from "node:assert/strict";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { GameResponse } from "../../src/api/contracts/games.ts";
import { buildWebClient } from "../../web/build.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { launchChromium, PHONE, playerPage, screenshot, typeLikeAPerson } from "../support/chromium.ts";
import { call, dataOf } from "../support/http.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const SETTINGS = {
  LOBBY_MAX_PLAYERS: "1",
  LOBBY_COUNTDOWN_MS: "500",
  RACE_START_COUNTDOWN_MS: "500",
  RACE_WORDS: "6",
  // Long enough to type the 6 words on a loaded machine, short enough to wait for in the others.
  RACE_TIME_LIMIT_MS: "8000",
};

describe("the web client: what a race leaves a player", function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  before(async () => {
    await buildWebClient();
    [server, browser] = await Promise.all([startTestServer(SETTINGS), launchChromium()]);
    ({ context, page, errors } = await playerPage(browser, PHONE, true));
  });
  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });
  afterEach(() => assert.deepEqual(errors.splice(0), [], "errors in the page"));

  /** Queues alone and waits for typing to open; answers the race and its text. */
  async function raceAlone(): Promise<{ gameId: string; words: string[] }> {
    await page.click("#find-race");
    await page.waitForURL(/#\/race\//, { timeout: 15_000 });
    await page.locator("#typing:not([readonly])").waitFor({ timeout: 15_000 });
    const gameId = /#\/race\/([\w-]+)$/.exec(new URL(page.url()).hash)![1]!;
    return { gameId, words: dataOf(await call<GameResponse>(server.url, `/api/v1/games/${gameId}`)).words };
  }

  it("a player who does not finish gets a card with what they typed, over the time they typed", async () => {
    await page.goto(server.url);
    await page.fill("#guest-name", "Stopper");
    const { words } = await raceAlone();
    await typeLikeAPerson(page, `${words[0]} ${words[1]} `, 90);
    // ...and stops typing: the time limit ends the race.
    await page.waitForSelector("#did-not-finish", { timeout: 15_000 });
    const card = (await page.textContent(".own-result")) ?? "";
    assert.match(card, /You did not finish/);
    assert.match(card, /You got through 2 of 6 words/);
    assert.match(card, /Typed for\d/);
    assert.doesNotMatch(card, /WPM0\.0/, "scored over the time typed, not the whole race");
    await screenshot(page, "results-did-not-finish-phone");
  });

  it("a race whose end is stored late: the card comes, and the replay is asked for once it is stored", async () => {
    await page.goto(server.url);
    const replayAnswers: number[] = [];
    const onResponse = (response: { url(): string; status(): number }) => {
      if (response.url().endsWith("/replay")) replayAnswers.push(response.status());
    };
    page.on("response", onResponse);
    const { gameId, words } = await raceAlone();
    // A loaded database: the race's row is held, so its end waits to be stored (its results do not).
    const holder = new pg.Client(testDatabaseUrl());
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM games WHERE id = $1 FOR NO KEY UPDATE", [gameId]);
      await typeLikeAPerson(page, `${words[0]} `, 90);
      await page.locator("#race-clock", { hasText: "Race over" }).waitFor({ timeout: 15_000 });
      await page.waitForSelector("#did-not-finish", { timeout: 10_000 });
      await page.waitForTimeout(1_000);
      assert.deepEqual(replayAnswers, [], "no replay asked for while the end is not stored");
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      await holder.end();
    }
    await page.waitForSelector("#replay-link", { state: "visible", timeout: 15_000 });
    assert.deepEqual(replayAnswers, [200]);
    page.off("response", onResponse);
  });

  let finishedRace: string;

  it("a race alone is no win, and the history lists the unfinished race as such", async () => {
    await page.goto(server.url);
    const { gameId, words } = await raceAlone();
    finishedRace = gameId;
    await typeLikeAPerson(page, words.join(" "), 90);
    await page.waitForSelector(".own-result:not([hidden]) .place", { timeout: 15_000 });
    assert.match((await page.textContent(".own-result .place")) ?? "", /You finished 1st/);

    await page.goto(`${server.url}/#/profile`);
    await page.waitForSelector("#history tbody tr:nth-child(2)");
    assert.equal(await page.textContent("#stat-races dd"), "3", "every race played");
    assert.equal(await page.textContent("#stat-won dd"), "0", "a race alone is no win");
    const places = await page.locator("#history tbody tr td:nth-child(2)").allTextContents();
    assert.deepEqual(places, ["1st of 1", "did not finish", "did not finish"], "newest first");
    await screenshot(page, "profile-history-dnf-phone");
  });

  it("a ranking that cannot be read (a stuck database) is read again by itself until it comes", async () => {
    const holder = new pg.Client(testDatabaseUrl());
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE game_results IN ACCESS EXCLUSIVE MODE");
      await page.goto(`${server.url}/#/results/${finishedRace}`);
      await page.reload();
      await page
        .locator(".ranking-status", { hasText: "The ranking cannot be read just now" })
        .waitFor({ timeout: 10_000 });
      assert.equal(await page.locator("#ranking tbody tr").count(), 0);
      await screenshot(page, "results-ranking-retrying-phone");
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      await holder.end();
    }
    await page.waitForSelector("#ranking tbody tr", { timeout: 10_000 });
    assert.equal(await page.textContent(".ranking-status"), "");
  });

  it("charts whose replay cannot be read (a dropped connection) come by themselves; the results stay", async () => {
    let replayReads = 0;
    await page.route("**/replay", async (route) => {
      // The first read meets a connection that drops; the next ones reach the server.
      if (replayReads++ === 0) await route.abort("connectionreset");
      else await route.continue();
    });
    try {
      await page.goto(`${server.url}/#/results/${finishedRace}`);
      await page.reload();
      await page.waitForSelector("#ranking tbody tr");
      await page.waitForSelector("#replay-link", { state: "visible", timeout: 10_000 });
      assert.equal(replayReads, 2, "read again once, after the drop");
      assert.equal(await page.locator("#ranking tbody tr").count(), 1, "the results stayed on screen");
    } finally {
      await page.unroute("**/replay");
    }
  });

  it("a best that could not be stored at once (a slow database) gets its badge once it is", async () => {
    const newcomer = await playerPage(browser, PHONE, true);
    const holder = new pg.Client(testDatabaseUrl());
    await holder.connect();
    try {
      const fresh = newcomer.page;
      await fresh.goto(server.url);
      await fresh.fill("#guest-name", "Newcomer");
      await fresh.click("#find-race");
      await fresh.waitForURL(/#\/race\//, { timeout: 15_000 });
      await fresh.locator("#typing:not([readonly])").waitFor({ timeout: 15_000 });
      const gameId = /#\/race\/([\w-]+)$/.exec(new URL(fresh.url()).hash)![1]!;
      const { words } = dataOf(await call<GameResponse>(server.url, `/api/v1/games/${gameId}`));
      // Results cannot be written while this is held: the finish is told before it is stored.
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE game_results IN SHARE MODE");
      await typeLikeAPerson(fresh, words.join(" "), 90);
      await fresh.waitForSelector(".own-result:not([hidden]) .place", { timeout: 15_000 });
      assert.equal(await fresh.locator("#personal-best").count(), 0, "not known before it is stored");
      await holder.query("ROLLBACK");
      // A newcomer's first finished race is their best.
      await fresh.waitForSelector("#personal-best", { timeout: 15_000 });
      assert.deepEqual(newcomer.errors, []);
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      await holder.end();
      await newcomer.context.close();
    }
  });
});
