/**
 * Issue 24, items 4–6 and 9, in real Chromium: what the page does when a player slips (Back mid-race,
 * the race in a second tab, focus lost mid-race) and the smaller things a player meets around a race.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { GameResponse } from "../../src/api/contracts/games.ts";
import { buildWebClient } from "../../web/build.ts";
import {
  DESKTOP,
  launchChromium,
  PHONE,
  playerPage,
  screenshot,
  typeLikeAPerson,
} from "../support/chromium.ts";
import { call, dataOf } from "../support/http.ts";
import { gameIdOf, queueAs, RAW_ERROR, raceOpens, rankingOf, typingOpens } from "../support/racePages.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const QUICK_MS = 60;

describe("the web client when a player slips, in Chromium (issue 24)", function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[][] = [];

  const player = async (viewport = DESKTOP) => {
    const opened = await playerPage(browser, viewport);
    contexts.push(opened.context);
    pageErrors.push(opened.errors);
    return opened.page;
  };
  /** Two players (of these names) in one race, typing open; answers their pages and the race. */
  const raceOfTwo = async (names: [string, string], viewports = [DESKTOP, DESKTOP]) => {
    const pages = [await player(viewports[0]), await player(viewports[1])] as [Page, Page];
    await Promise.all(pages.map((page) => page.goto(server.url)));
    await queueAs(pages[0], names[0]);
    await queueAs(pages[1], names[1]);
    const race = await raceOpens(pages[0], server.url);
    await raceOpens(pages[1], server.url);
    return { pages, ...race };
  };
  const serverPosition = async (gameId: string, name: string) => {
    const game = dataOf(await call<GameResponse>(server.url, `/api/v1/games/${gameId}`));
    return game.players.find((player) => player.name.startsWith(name));
  };

  before(async () => {
    await buildWebClient();
    [server, browser] = await Promise.all([
      startTestServer({
        LOBBY_MAX_PLAYERS: "2",
        LOBBY_COUNTDOWN_MS: "60000",
        RACE_START_COUNTDOWN_MS: "1000",
        RACE_WORDS: "10",
        RECONNECT_GRACE_S: "5",
      }),
      launchChromium(),
    ]);
  });
  afterEach(async () => {
    for (const errors of pageErrors) assert.deepEqual(errors.splice(0), [], "errors in the page");
    await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => {})));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Back mid-race asks "Leave the race?": Stay keeps the race, Leave leaves it (item 4)', async () => {
    const { pages, gameId, text } = await raceOfTwo(["Homesick", "Stayer"]);
    const [page] = pages;
    const [first] = text.split(" ") as [string];
    await typeLikeAPerson(page, `${first} `, QUICK_MS);

    await page.goBack();
    await page.waitForSelector("#leave-dialog:not([hidden])");
    assert.equal(await page.textContent("#leave-title"), "Leave the race?");
    assert.equal(gameIdOf(page), gameId, "the address still names the race");
    await screenshot(page, "race-leave-dialog");
    await page.click("#stay-in-race");
    await page.waitForSelector("#leave-dialog", { state: "hidden" });
    await typingOpens(page);
    await typeLikeAPerson(page, text.split(" ")[1]!.slice(0, 2), QUICK_MS);
    const stayed = await serverPosition(gameId, "Homesick");
    assert.deepEqual([stayed?.wordIndex, stayed?.finished], [1, false], "still racing after Stay");

    await page.goBack();
    await page.waitForSelector("#leave-dialog:not([hidden])");
    await page.click("#confirm-leave");
    await page.waitForURL((url) => url.hash === "#/");
    const left = await serverPosition(gameId, "Homesick");
    assert.equal(left?.finished, false);
    // The race goes on for the other, who sees the leaver gone (not finished, away).
    await pages[1].waitForSelector('#race-players li[data-player="Homesick"].away');
  });

  it('the same race in a second tab offers "Play here"; taking it tells the first tab (item 5)', async () => {
    const { pages, gameId, text } = await raceOfTwo(["Twin tabs", "Other"]);
    const [first] = pages;
    await typeLikeAPerson(first, `${text.split(" ")[0]} `, QUICK_MS);
    // Reloads leave dropped connections behind on the server; the next tab is still let in.
    for (let reload = 0; reload < 3; reload++) {
      await first.reload();
      await typingOpens(first);
    }

    const second = await first.context().newPage();
    await second.goto(first.url());
    await second.waitForSelector("#elsewhere:not([hidden])");
    assert.match((await second.textContent("#elsewhere")) ?? "", /You opened Typephoon in another tab/);
    assert.doesNotMatch((await second.textContent("body")) ?? "", /That room is closed|still on/);
    await screenshot(second, "race-second-tab");
    await typingOpens(first, 1_000);

    await second.click("#play-here");
    await typingOpens(second);
    assert.equal(await second.inputValue("#typing"), "");
    await first.waitForSelector("#elsewhere:not([hidden])");
    assert.match((await first.textContent("#elsewhere")) ?? "", /another tab or window/);
    await screenshot(first, "race-replaced-tab");
    // The race goes on in the second tab, from where the player was; the first can take it back.
    const words = text.split(" ");
    await typeLikeAPerson(second, `${words[1]} `, QUICK_MS);
    await first.click("#play-here");
    await typingOpens(first);
    await second.waitForSelector("#elsewhere:not([hidden])");
    await typeLikeAPerson(first, words.slice(2).join(" "), QUICK_MS);
    await first.waitForSelector(".own-result:not([hidden])");
    assert.equal(gameIdOf(first), gameId);
  });

  it("focus lost mid-race shows an overlay; the next key brings it back and is typed (item 6)", async () => {
    const { pages, gameId, text } = await raceOfTwo(["Tabber", "Calm"]);
    const [page] = pages;
    const [first, second] = text.split(" ") as [string, string];
    await typeLikeAPerson(page, `${first} `, QUICK_MS);
    await page.keyboard.press("Tab");
    await page.waitForSelector("#focus-overlay:not([hidden])");
    assert.equal(await page.textContent("#focus-overlay"), "Click or press any key to continue typing");
    await screenshot(page, "race-focus-lost");
    // Tab again moves on without bringing it back; a letter does, and counts.
    await page.keyboard.press("Tab");
    await page.keyboard.type(second[0]!);
    await page.waitForSelector("#focus-overlay", { state: "hidden" });
    assert.equal(await page.inputValue("#typing"), second[0]);
    await typeLikeAPerson(page, second.slice(1), QUICK_MS);
    assert.equal(await page.inputValue("#typing"), second);
    for (let tries = 0; ; tries++) {
      const me = await serverPosition(gameId, "Tabber");
      if (me?.wordIndex === 1 && me.charIndex === second.length) break;
      if (tries > 50) assert.fail(`the server has ${JSON.stringify(me)}`);
      await page.waitForTimeout(50);
    }
  });

  it("the smaller ones: bars end at one finish line, shared names told apart, results from history, one date format (item 9)", async () => {
    const { pages, gameId, text } = await raceOfTwo(["Sam", "Sam"], [DESKTOP, PHONE]);
    const [fast, slow] = pages;
    await fast.waitForSelector("#race-players li:nth-child(2)");
    const names = await fast.$$eval("#race-players .name", (spans) => spans.map((span) => span.textContent));
    assert.equal(new Set(names.map((name) => name?.replace(" (you)", ""))).size, 2, `told apart: ${names}`);
    assert.ok(
      names.every((name) => /^Sam #[0-9a-f]{4}/.test(name ?? "")),
      names.join(", "),
    );

    await typeLikeAPerson(fast, text, QUICK_MS);
    await fast.waitForSelector(".own-result:not([hidden])");
    // The finisher's bar ends where the others' will: the finish line does not move.
    const rightEdges = await fast.$$eval("#race-players .bar", (bars) =>
      bars.map((bar) => Math.round(bar.getBoundingClientRect().right)),
    );
    assert.equal(new Set(rightEdges).size, 1, `bar ends: ${rightEdges}`);
    await screenshot(fast, "race-finished-bars");
    await typeLikeAPerson(slow, text, QUICK_MS);
    await slow.waitForSelector(".own-result:not([hidden])");

    // From the history: the own-figures card, and the one date format the page uses everywhere.
    await fast.goto(`${server.url}/#/profile`);
    await fast.waitForSelector("#history tbody tr a");
    const whenText = await fast.textContent("#history tbody tr a");
    const expected = await fast.evaluate(
      (iso) =>
        new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)),
      new Date().toISOString(),
    );
    assert.equal(whenText?.replace(/\d+:\d+/, "").trim(), expected.replace(/\d+:\d+/, "").trim());
    await fast.click("#history tbody tr a");
    await fast.waitForURL(new RegExp(`#/results/${gameId}$`));
    await fast.waitForSelector(".own-result:not([hidden])");
    assert.match((await fast.textContent(".own-result .place")) ?? "", /^You finished 1st/);
    // The own figures may come from this tab's memory before the ranking is read.
    await fast.waitForSelector("#ranking tbody tr:nth-child(2)");
    assert.equal((await rankingOf(fast)).length, 2);
    await screenshot(fast, "results-from-history");
    await fast.goto(`${server.url}/#/leaderboard/daily/10`);
    await fast.waitForSelector("#leaderboard tbody tr");
    const boardWhen = await fast.locator("#leaderboard tbody tr td").last().textContent();
    assert.match(boardWhen ?? "", /\d+:\d+/, "the board's dates carry their time, as everywhere");
  });

  it('a player who closed the tab mid-race is offered "Rejoin your race" on Home (item 9)', async () => {
    const { pages, gameId, text } = await raceOfTwo(["Closer", "Keeper"]);
    const [page] = pages;
    await typeLikeAPerson(page, text.split(" ")[0]!, QUICK_MS);
    const context = page.context();
    await page.close();
    const again = await context.newPage();
    await again.goto(server.url);
    await again.waitForSelector("#rejoin:not([hidden])");
    assert.match((await again.textContent("#rejoin")) ?? "", /Rejoin your race/);
    assert.match((await again.textContent(".lead")) ?? "", /carets/);
    await screenshot(again, "home-rejoin");
    await again.click("#rejoin a");
    await typingOpens(again);
    assert.equal(gameIdOf(again), gameId);
    assert.doesNotMatch((await again.textContent("body")) ?? "", RAW_ERROR);
  });

  it("serves /favicon.ico", async () => {
    const icon = await fetch(`${server.url}/favicon.ico`);
    assert.equal(icon.status, 200);
    const bytes = new Uint8Array(await icon.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 4)], [0, 0, 1, 0], "an ICO file");
  });
});
