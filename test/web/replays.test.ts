/**
 * After the race, in Chromium: the race's own charts under its results, its replay played to the
 * end, and racing your best as a ghost from the profile.
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
import { eventually } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const SETTINGS = {
  LOBBY_MAX_PLAYERS: "2",
  LOBBY_COUNTDOWN_MS: "2000",
  RACE_START_COUNTDOWN_MS: "1000",
  RACE_WORDS: "6",
  // The last story leaves a ghost race running: a stopping server lets it run out its grace.
  RECONNECT_GRACE_S: "5",
};

const gameIdOf = (page: Page) => /#\/race\/([\w-]+)$/.exec(new URL(page.url()).hash)?.[1];

/** Waits for the race screen and for typing to open; answers the game and its text. */
async function raceOpens(page: Page, server: TestServer): Promise<{ gameId: string; text: string }> {
  await page.waitForURL(/#\/race\//, { timeout: 15_000 });
  await page.locator("#typing:not([readonly])").waitFor({ timeout: 15_000 });
  const gameId = gameIdOf(page)!;
  const game = dataOf(await call<GameResponse>(server.url, `/api/v1/games/${gameId}`));
  return { gameId, text: game.words.join(" ") };
}

describe("the web client after the race: charts, replays, ghosts", function () {
  this.timeout(90_000);
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[][] = [];
  let ada: Page;
  let bob: Page;
  let raced: { gameId: string; text: string };

  const player = async (viewport = DESKTOP, mobile = false) => {
    const opened = await playerPage(browser, viewport, mobile);
    contexts.push(opened.context);
    pageErrors.push(opened.errors);
    return opened.page;
  };

  before(async () => {
    await buildWebClient();
    [server, browser] = await Promise.all([startTestServer(SETTINGS), launchChromium()]);
    ada = await player(DESKTOP);
    bob = await player(PHONE, true);
  });
  afterEach(() => {
    for (const errors of pageErrors) assert.deepEqual(errors.splice(0), [], "errors in the page");
  });
  after(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    await browser?.close();
    await server?.stop();
  });

  it("the results show the race's own charts: your speed second by second, the others' faint, each word's speed", async () => {
    // The replay is asked for once the race's end is stored, not while its room is still closing.
    const replayAnswers: number[] = [];
    ada.on("response", (response) => {
      if (response.url().endsWith("/replay")) replayAnswers.push(response.status());
    });
    for (const [page, name] of [
      [ada, "Ada"],
      [bob, "Bob"],
    ] as const) {
      await page.goto(server.url);
      await page.fill("#guest-name", name);
    }
    // Both queue at once: a loaded machine loading Bob's page could outlast Ada's lobby countdown.
    await Promise.all([ada.click("#find-race"), bob.click("#find-race")]);
    raced = await raceOpens(ada, server);
    await raceOpens(bob, server);
    const { text } = raced;
    // Ada slips on her second word and fixes it; Bob is slower.
    const [first, second = "", ...rest] = text.split(" ");
    const adaTypes = (async () => {
      await typeLikeAPerson(ada, `${first} ${second.slice(0, 1)}q`, 70);
      // She notices, a moment later.
      await ada.waitForTimeout(200);
      await ada.keyboard.press("Backspace");
      await typeLikeAPerson(ada, `${second.slice(1)} ${rest.join(" ")}`, 70);
    })();
    await Promise.all([adaTypes, typeLikeAPerson(bob, text, 120)]);

    await ada.locator("#race-clock", { hasText: "Race over" }).waitFor({ timeout: 15_000 });
    await ada.waitForSelector("#race-analysis #race-chart canvas", { timeout: 20_000 });
    assert.equal(
      await ada.getAttribute("#race-analysis button[aria-pressed=true]", "data-user"),
      await ada.evaluate(() => JSON.parse(localStorage.getItem("typephoon.session")!).user.id),
      "your own race first",
    );
    assert.equal(await ada.locator("#race-analysis button.segment").count(), 2);
    assert.deepEqual(replayAnswers, [200], "one read of the replay, after the race's end was stored");
    assert.match(
      (await ada.textContent("#race-chart-summary")) ?? "",
      /^Ada: [\d.]+ wpm at [\d.]+ s, raw [\d.]+, 1 error\.$/,
    );
    assert.equal(await ada.locator("#word-speeds li").count(), 6);
    assert.equal(await ada.locator("#word-speeds li.slowest").count(), 3);
    assert.match((await ada.textContent("#slowest-words")) ?? "", /^Slowest: /);
    assert.match((await ada.textContent("#missed-characters")) ?? "", /1×/);
    // The chart's legend names the others' faint lines.
    assert.match((await ada.textContent("#race-chart .u-legend")) ?? "", /Bob/);
    await ada.locator("#race-analysis").scrollIntoViewIfNeeded();
    await screenshot(ada, "results-charts-desktop");
    await bob.waitForSelector("#race-analysis #race-chart canvas", { timeout: 20_000 });
    await bob.locator("#race-analysis").scrollIntoViewIfNeeded();
    await screenshot(bob, "results-charts-phone");

    // Another player's race, on a click.
    await ada.click("#race-analysis button.segment:not([aria-pressed=true])");
    assert.match((await ada.textContent("#race-chart-summary")) ?? "", /^Bob: /);
  });

  it("a replay plays to the end, every caret as typed, and ends on the results page's wpm", async () => {
    const { gameId } = raced;
    await ada.goto(`${server.url}/#/results/${gameId}`);
    await ada.waitForSelector("#ranking tbody tr:nth-child(2) td:nth-child(3)");
    const ranking = await ada.$$eval("#ranking tbody tr", (rows) =>
      rows.map((row) => [row.querySelector("th")!.textContent, row.children[2]!.textContent]),
    );
    await ada.click("#replay-link", { timeout: 20_000 });
    await ada.waitForURL(new RegExp(`#/replay/${gameId}$`));
    await ada.waitForSelector(".replay[data-state=paused]");
    assert.equal(await ada.locator("#replay-players li").count(), 2);
    assert.equal(await ada.locator("#replay-text .word").count(), 6);

    // Dragged to where Ada slipped: her typo shows as wrong, as it did in the race.
    const replay = dataOf(
      await call<{ players: Array<{ name: string; keystrokes: Array<[number, string]> }> }>(
        server.url,
        `/api/v1/games/${gameId}/replay`,
      ),
    );
    const adaKeys = replay.players.find((one) => one.name === "Ada")!.keystrokes;
    const [slip] = adaKeys[adaKeys.findIndex(([, key]) => key === "Backspace") - 1]!;
    await ada.locator("#replay-scrubber").fill(String(slip));
    await ada.waitForSelector("#replay-text .word.current .wrong");
    await screenshot(ada, "replay-typo-desktop");

    await ada.click("#replay-speeds button[data-speed='4']");
    await ada.click("#replay-play");
    await ada.waitForSelector(".replay[data-state=playing]");
    await ada.waitForSelector(".replay[data-state=ended]", { timeout: 20_000 });
    assert.equal(await ada.textContent("#replay-play"), "Play again");
    for (const [name, wpm] of ranking) {
      const shown = (await ada.textContent(`#replay-players li[data-player="${name}"] .wpm`)) ?? "";
      assert.equal(shown.replace(/^.* · /, "").replace(" wpm", ""), wpm, `${name}'s final wpm`);
    }
    assert.equal(await ada.locator("#replay-text .word.typed").count(), 6, "Ada's whole text typed");
    await screenshot(ada, "replay-ended-desktop");

    await bob.goto(`${server.url}/#/replay/${gameId}`);
    await bob.waitForSelector(".replay[data-state=paused]");
    await bob.locator("#replay-scrubber").fill(String(Math.round(slip * 1.5)));
    await screenshot(bob, "replay-phone");
  });

  it("race your best from the profile: the same text, its ghost typing live, nothing of it stored", async () => {
    await ada.goto(`${server.url}/#/profile`);
    await ada.click("#race-your-best");
    await ada.waitForURL(/#\/race\//, { timeout: 15_000 });
    const ghostRow = ada.locator('#race-players li[data-player="ghost of Ada"]');
    await ghostRow.waitFor();
    await ada.locator("#typing:not([readonly])").waitFor({ timeout: 15_000 });
    const gameId = gameIdOf(ada)!;
    const game = dataOf(await call<GameResponse>(server.url, `/api/v1/games/${gameId}`));
    assert.equal(game.words.join(" "), raced.text, "the best race's text");
    assert.equal(game.mode, "private");

    // The ghost moves on its own while Ada waits a moment, then she types it all, more slowly. Its
    // first key comes when hers did in the best race: after Bob's page had opened too, seconds
    // after the start on a loaded machine.
    const ghostBar = ghostRow.locator(".bar");
    await eventually(
      "the ghost on its way",
      async () => Number(await ghostBar.getAttribute("aria-valuenow")) > 0,
      20_000,
    );
    // Its caret moves through the text too, as every other player's does.
    await ada.locator("#race-text .opponent-caret").waitFor();
    await screenshot(ada, "race-ghost-desktop");
    await typeLikeAPerson(ada, raced.text, 110);
    await ada.locator("#race-clock", { hasText: "Race over" }).waitFor({ timeout: 20_000 });
    await ghostRow.and(ada.locator(".finished")).waitFor();
    const rows = await ada.$$eval("#ranking tbody tr", (trs) =>
      trs.map((tr) => [tr.children[0]!.textContent, tr.querySelector("th")!.textContent]),
    );
    assert.deepEqual(rows, [
      ["1st", "ghost of Ada"],
      ["2nd", "Ada"],
    ]);
    await ada.waitForSelector("#race-analysis #race-chart canvas", { timeout: 20_000 });
    await screenshot(ada, "results-ghost-desktop");
    const stored = dataOf(await call<{ ranking: unknown[] }>(server.url, `/api/v1/games/${gameId}/result`));
    assert.equal(stored.ranking.length, 1, "only Ada's result is stored");

    // The ghost race is a private room of one: Race again races the same ghost, and the room says so.
    await ada.locator("#race-again:not([disabled])", { hasText: "Race again" }).waitFor();
    await ada.click("#back-to-room");
    await ada.locator("#room-ghost", { hasText: "Against the ghost of Ada" }).waitFor();
    await ada.click("#start-race");
    await ada.waitForURL((url) => url.hash.startsWith("#/race/") && !url.hash.endsWith(gameId));
    await ghostRow.waitFor();
  });
});
