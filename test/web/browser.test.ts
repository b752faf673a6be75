/**
 * The web client in a real headless Chromium against a real server: players sign in, queue, race,
 * read their results, their profile and the leaderboard as people would — through the page only.
 * Screenshots of every screen land in test-artifacts/screens/.
 */
import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
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
import { gameIdOf, queueAs, raceOpens, rankingOf, typingOpens } from "../support/racePages.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const RACE_SETTINGS = {
  LOBBY_MAX_PLAYERS: "3",
  LOBBY_COUNTDOWN_MS: "3000",
  RACE_START_COUNTDOWN_MS: "1500",
  RACE_WORDS: "10",
  RECONNECT_GRACE_S: "10",
};
/** Humans, not bots: the server flags machine-even keys and more than 20 keys/s; 60 ms a key is quick. */
const QUICK_MS = 60;
const STEADY_MS = 110;

/** Waits until the race is over for everyone and the page shows the stored ranking. */
async function finalRanking(page: Page, players: number): Promise<Array<Array<string | null>>> {
  await page.locator("#race-clock", { hasText: "Race over" }).waitFor({ timeout: 15_000 });
  for (let tries = 0; ; tries++) {
    const ranking = await rankingOf(page);
    // Every row with its stored figures (raw, after the wpm and the rating's change, is "—" until
    // the result is read from the server), and its rating's change: the race is rated, and the
    // change comes once the rating is written, after the results, to each page at its own moment.
    if (ranking.length === players && ranking.every((row) => row[4] !== "—" && row[3] !== "")) return ranking;
    if (tries > 100) throw new Error(`the ranking never filled in: ${JSON.stringify(ranking)}`);
    await page.waitForTimeout(100);
  }
}

/** A wrong character for the first letter of `word`. */
const typoFor = (word: string) => (word[0] === "x" ? "z" : "x");

describe("the web client, in Chromium", function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[][] = [];

  const player = async (viewport = DESKTOP, mobile = false) => {
    const opened = await playerPage(browser, viewport, mobile);
    contexts.push(opened.context);
    pageErrors.push(opened.errors);
    return opened.page;
  };

  before(async () => {
    await buildWebClient();
    [server, browser] = await Promise.all([startTestServer(RACE_SETTINGS), launchChromium()]);
  });
  afterEach(() => {
    for (const errors of pageErrors) assert.deepEqual(errors.splice(0), [], "errors in the page");
  });
  after(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    await browser?.close();
    await server?.stop();
  });

  let hare: Page;

  it("serves the client at / and keeps the API's 404 envelope", async () => {
    const page = await fetch(server.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Typephoon<\/title>/);
    const missing = await call(server.url, "/api/v1/no-such-thing");
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body.ok, false);
  });

  it("two players join the same lobby and race; the faster wins, both see the same ranking, and a typo shows as wrong and costs accuracy", async () => {
    hare = await player(DESKTOP);
    const tortoise = await player(PHONE, true);

    await Promise.all([hare.goto(server.url), tortoise.goto(server.url)]);
    await screenshot(hare, "home-desktop");
    await screenshot(tortoise, "home-phone");
    await queueAs(hare, "Hare");
    await queueAs(tortoise, "Tortoise");

    // Each sees the other arrive, live.
    for (const page of [hare, tortoise]) {
      await page.locator(".lobby-players li").nth(1).waitFor();
      assert.deepEqual(
        await page
          .$$eval(".lobby-players li", (items) => items.map((item) => item.textContent))
          .then((names) => names.sort()),
        [page === hare ? "Hare (you)" : "Hare", page === tortoise ? "Tortoise (you)" : "Tortoise"],
      );
    }
    assert.match((await hare.textContent(".lobby-status")) ?? "", /starts in \d+ s/);
    await screenshot(hare, "lobby-desktop");
    await screenshot(tortoise, "lobby-phone");

    // The race: the same game for both, a countdown, then typing opens.
    await hare.waitForURL(/#\/race\//, { timeout: 10_000 });
    await hare.waitForSelector(".countdown-overlay:not([hidden])");
    await screenshot(hare, "race-countdown-desktop");
    const { gameId, text } = await raceOpens(hare, server.url);
    await raceOpens(tortoise, server.url);
    assert.equal(gameIdOf(tortoise), gameId);

    const [first] = text.split(" ") as [string];
    const hareTypes = typeLikeAPerson(hare, text, QUICK_MS);
    // The tortoise slips on the very first key: the character shows as wrong, then is corrected.
    await tortoise.keyboard.type(typoFor(first), { delay: STEADY_MS });
    await tortoise.waitForSelector("#race-text .word.current .wrong");
    assert.equal(await tortoise.textContent("#race-text .word.current .wrong"), first[0]);
    // A space cannot pass a word with a mistake: the player is told why nothing moved.
    await tortoise.keyboard.press(" ");
    await tortoise.waitForSelector("#fix-hint:not([hidden])");
    assert.match((await tortoise.textContent("#fix-hint")) ?? "", /typed exactly/);
    assert.equal(await tortoise.inputValue("#typing"), typoFor(first), "the space did not pass the word");
    await screenshot(tortoise, "race-typo-phone");
    await tortoise.keyboard.press("Backspace");
    await tortoise.waitForSelector("#race-text .word.current .wrong", { state: "detached" });
    await screenshot(hare, "race-desktop");
    await Promise.all([hareTypes, typeLikeAPerson(tortoise, text, STEADY_MS)]);

    await hare.waitForSelector(".own-result:not([hidden])");
    assert.match((await hare.textContent(".own-result .place")) ?? "", /^You finished 1st/);
    assert.equal(
      await hare.textContent("#personal-best"),
      "New personal best",
      "a first race is a personal best",
    );
    await tortoise.waitForSelector(".own-result:not([hidden])");
    assert.match((await tortoise.textContent(".own-result .place")) ?? "", /^You finished 2nd/);

    const seenByHare = await finalRanking(hare, 2);
    const seenByTortoise = await finalRanking(tortoise, 2);
    assert.deepEqual(seenByHare, seenByTortoise);
    assert.deepEqual(
      seenByHare.map(([place, name]) => [place, name]),
      [
        ["1st", "Hare"],
        ["2nd", "Tortoise"],
      ],
    );
    const accOf = (row: Array<string | null>) => Number.parseFloat(row[5] ?? "");
    assert.equal(accOf(seenByHare[0]!), 100);
    assert.ok(accOf(seenByHare[1]!) < 100, `the typo costs accuracy: ${seenByHare[1]![5]}`);
    assert.match((await tortoise.textContent(".own-result .figures")) ?? "", /Acc\d+(\.\d)?%/);
    // A public race of two who typed is rated: the winner gains, the other loses.
    for (let tries = 0; ; tries++) {
      const [first, second] = await rankingOf(hare);
      if (/^\+\d+$/.test(first?.[3] ?? "") && /^−\d+$/.test(second?.[3] ?? "")) break;
      if (tries > 100) throw new Error(`no rating change shown: ${JSON.stringify([first, second])}`);
      await hare.waitForTimeout(100);
    }
    assert.match((await hare.textContent("#own-rating")) ?? "", /Rating \d+ \(\+\d+, from 1000\)/);
    await screenshot(hare, "results-desktop");
    await screenshot(tortoise, "results-phone");
  });

  it("a reload mid-race resumes exactly where the player was, colouring included; a dropped connection shows a banner until it is back", async () => {
    await hare.click("#race-again");
    await hare.waitForSelector(".lobby-players li.me");
    const { gameId, text } = await raceOpens(hare, server.url);
    const words = text.split(" ");

    // Two words right, then a slip in the third.
    const typed = `${words[0]} ${words[1]} ${typoFor(words[2]!)}`;
    await typeLikeAPerson(hare, typed, QUICK_MS);
    const colours = () =>
      hare.$$eval("#race-text .word", (elements) =>
        elements.map((word) =>
          [...word.children].map((char) => char.className.replace(/ ?caret(-after)?/, "")).join(","),
        ),
      );
    const before = await colours();
    await waitForServerPosition(server, gameId, { wordIndex: 2, charIndex: 1 });

    await hare.reload();
    await hare.waitForSelector("#race-text .word");
    await typingOpens(hare);
    assert.deepEqual(await colours(), before, "the same colouring after the reload");
    assert.equal(await hare.inputValue("#typing"), typed.split(" ")[2]);

    // The connection drops: the banner shows while the SDK reconnects, then goes.
    const bannerShown = hare.waitForSelector("#connection-banner:not([hidden])", { timeout: 5_000 });
    dropConnectionOf(gameId, await userIdOf(hare));
    await bannerShown;
    assert.match((await hare.textContent("#connection-banner")) ?? "", /Reconnecting/);
    await hare.waitForSelector("#connection-banner", { state: "hidden", timeout: 10_000 });
    await typingOpens(hare);

    await hare.focus("#typing");
    await hare.keyboard.press("Backspace");
    await typeLikeAPerson(hare, words.slice(2).join(" "), QUICK_MS);
    await hare.waitForSelector(".own-result:not([hidden])");
    assert.match((await hare.textContent(".own-result .place")) ?? "", /^You finished 1st/);
  });

  it("the profile shows the new results, the wpm chart and the history", async () => {
    await hare.goto(`${server.url}/#/profile`);
    await hare.waitForSelector("#stat-races dd");
    assert.equal(await hare.textContent("#stat-races dd"), "2");
    await hare.waitForSelector("#wpm-chart canvas");
    assert.equal(await hare.getAttribute("#chart-summary", "data-races"), "2");
    await hare.waitForSelector("#history tbody tr");
    assert.equal(await hare.locator("#history tbody tr").count(), 2);
    await screenshot(hare, "profile-desktop");
    await atPhoneWidth(hare, async () => {
      // The chart is drawn at the page's width: draw it again at a phone's.
      await hare.reload();
      await hare.waitForSelector("#wpm-chart canvas");
      await screenshot(hare, "profile-phone");
    });
  });

  it("the leaderboard lists the winner", async () => {
    await hare.goto(`${server.url}/#/leaderboard/daily/10`);
    await hare.waitForSelector("#leaderboard tbody tr");
    // Other stories of the run may have raced too: the winner is on the board, with their own place.
    const names = await hare.locator("#leaderboard tbody th").allTextContents();
    assert.ok(names.includes("Hare (guest)"), names.join(", "));
    assert.match((await hare.textContent(".my-rank")) ?? "", /^You are \d+(st|nd|rd|th) with \d+\.\d wpm\.$/);
    await screenshot(hare, "leaderboard-desktop");
    await atPhoneWidth(hare, () => screenshot(hare, "leaderboard-phone"));
  });

  it("a server that cannot be reached gets a full-screen message, and Retry comes back", async () => {
    const page = await player(PHONE, true);
    const context = page.context();
    await page.goto(server.url);
    await page.waitForSelector("#find-race");
    // From here on, nothing reaches the server.
    await context.route("**/{healthz,api/**}", (route) => route.abort("connectionrefused"));
    await page.click("#find-race");
    await page.waitForSelector("#unreachable:not([hidden])");
    assert.equal(
      await page.locator("#retry").evaluate((button) => button === button.ownerDocument.activeElement),
      true,
    );
    await screenshot(page, "unreachable-phone");

    await page.click("#retry");
    await page.waitForSelector("#unreachable .still:text('Still no answer')");
    await context.unroute("**/{healthz,api/**}");
    await page.click("#retry");
    await page.waitForSelector("#unreachable", { state: "hidden" });
    await page.waitForSelector("#find-race");
  });
});

/** The same page at 360 px wide for a moment. */
async function atPhoneWidth(page: Page, look: () => Promise<void>): Promise<void> {
  await page.setViewportSize(PHONE);
  try {
    await look();
  } finally {
    await page.setViewportSize(DESKTOP);
  }
}

async function waitForServerPosition(
  server: TestServer,
  gameId: string,
  expected: { wordIndex: number; charIndex: number },
): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const game = dataOf(await call<GameResponse>(server.url, `/api/v1/games/${gameId}`));
    const [player] = game.players;
    if (player?.wordIndex === expected.wordIndex && player.charIndex === expected.charIndex) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the server never saw the player at ${JSON.stringify(expected)}`);
}

const userIdOf = (page: Page) =>
  page.evaluate(
    () => (JSON.parse(localStorage.getItem("typephoon.session") ?? "{}") as { user: { id: string } }).user.id,
  );

/** Cuts the player's connection as a network failure would (no closing handshake). */
function dropConnectionOf(gameId: string, userId: string): void {
  const room = matchMaker.getLocalRoomById(gameId);
  const client = room?.clients.find(
    (each) => (each.auth as { id?: string } | undefined)?.id === userId,
  ) as unknown as { ref: { terminate(): void } } | undefined;
  if (!client) throw new Error(`no connection of ${userId} in race ${gameId}`);
  client.ref.terminate();
}
