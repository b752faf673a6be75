/**
 * Ratings in the page, in Chromium: a player's rating (and "provisional") with its chart on the
 * profile, each player's change on a race's results, and the Rating tab of the leaderboard. The
 * ratings are written as the rating update of a race's end writes them (`rateRace`); the board
 * ranks everyone in the database, so this file has a scratch database of its own.
 */
import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { GameResponse } from "../../src/api/contracts/games.ts";
import { createTokenService } from "../../src/auth/tokens.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { recordResult } from "../../src/db/races.ts";
import { type RatingMessage, ServerMessage } from "../../src/protocol.ts";
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
import { newPlayer, type Player, type Race, race, rateRace, record, resultOf } from "../support/profiles.ts";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server.ts";
import { createScratchDatabase } from "../support/services.ts";

/** Races alone, short and quick, for the story of a race just over. */
const SETTINGS = {
  LOBBY_MAX_PLAYERS: "1",
  LOBBY_COUNTDOWN_MS: "500",
  RACE_START_COUNTDOWN_MS: "500",
  RACE_WORDS: "6",
  RACE_TIME_LIMIT_MS: "30000",
};

describe("the web client: ratings", function () {
  this.timeout(90_000);
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let server: TestServer;
  let db: Database;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  /** the page's own guest */
  let me: Player;

  before(async () => {
    await buildWebClient();
    scratch = await createScratchDatabase("typephoon_ratings_web");
    [server, browser] = await Promise.all([
      startTestServer({ ...SETTINGS, DATABASE_URL: scratch.url }),
      launchChromium(),
    ]);
    db = createDatabase(scratch.url);
    ({ context, page, errors } = await playerPage(browser, DESKTOP));
    // A guest session, stored where the page keeps it.
    await page.goto(server.url);
    me = await page.evaluate(async () => {
      const response = await fetch("/api/v1/auth/guest", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Zed" }),
      });
      const { data } = (await response.json()) as { data: { user: Player } };
      localStorage.setItem("typephoon.session", JSON.stringify(data));
      return data.user;
    });
    await page.reload();
  });
  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await db?.close();
    await server?.stop();
    await scratch?.drop();
  });
  afterEach(() => assert.deepEqual(errors.splice(0), [], "errors in the page"));

  const at = (minute: number) => new Date(Date.UTC(2025, 6, 1, 12, minute));
  const ratings = new Map<string, number>();
  const ratingOf = (player: Player) => ratings.get(player.id) ?? 1000;

  /** A public race over, its results written and then its ratings: `after` by player, unrated if absent. */
  async function ratedRace(
    standings: Array<{ player: Player; rank: number; flagged?: boolean; after?: number }>,
    minute: number,
  ): Promise<Race> {
    const [first, ...others] = standings;
    const one = race(first!.player.id, {
      rank: first!.rank,
      playerCount: standings.length,
      startsAt: at(minute),
      finishedAt: at(minute + 1),
    });
    await record(db, one);
    for (const { player, rank, flagged } of others) {
      await recordResult(
        db,
        resultOf({ ...one, userId: player.id, rank, wpm: 60 - rank, flagged: flagged ?? false, won: false }),
      );
    }
    await db.prisma.game.update({
      where: { id: one.gameId },
      data: { status: "finished", endedAt: at(minute + 2) },
    });
    const changes = standings.flatMap(({ player, after }) =>
      after === undefined ? [] : [{ userId: player.id, before: ratingOf(player), after }],
    );
    await rateRace(db, one.gameId, changes);
    for (const { userId, after } of changes) ratings.set(userId, after);
    return one;
  }

  it("the Rating tab, while nobody has 10 rated races, says why and offers a race", async () => {
    await page.goto(`${server.url}/#/leaderboard/rating`);
    await page.waitForSelector("#rating-board-empty");
    assert.equal(await page.getAttribute("#tab-rating", "aria-selected"), "true");
    assert.match((await page.textContent("#rating-board-empty")) ?? "", /Nobody has 10 rated races yet/);
    assert.equal(await page.getAttribute("#leaderboard-panel a.button", "href"), "#/lobby");
    await screenshot(page, "leaderboard-rating-empty-desktop");
  });

  describe("with rated races", () => {
    let ada: Player;
    let bob: Player;
    let cy: Player;
    let last: Race;

    before(async () => {
      ada = await newPlayer(db, "Ada", false);
      bob = await newPlayer(db, "Bob", false);
      cy = await newPlayer(db, "Cy", false);
      const dee = await newPlayer(db, "Dee", false);
      // Ada and Bob race twelve times: Ada wins two in three.
      for (let i = 0; i < 12; i++) {
        const adaWins = i % 3 !== 2;
        await ratedRace(
          [
            { player: adaWins ? ada : bob, rank: 1, after: ratingOf(adaWins ? ada : bob) + 20 - i },
            { player: adaWins ? bob : ada, rank: 2, after: ratingOf(adaWins ? bob : ada) - 8 },
          ],
          i * 5,
        );
      }
      // Cy has three: provisional, seven to go.
      for (let i = 0; i < 3; i++) {
        await ratedRace(
          [
            { player: cy, rank: 1, after: ratingOf(cy) + 25 },
            { player: bob, rank: 2, after: ratingOf(bob) - 5 },
          ],
          100 + i * 5,
        );
      }
      // The page's own guest in a race of four, one of them flagged: unrated.
      last = await ratedRace(
        [
          { player: ada, rank: 1, after: ratingOf(ada) + 14 },
          { player: me, rank: 2, after: 1003 },
          { player: bob, rank: 3, after: ratingOf(bob) - 6 },
          { player: dee, rank: 4, flagged: true },
        ],
        200,
      );
    });

    it("a race's results show each rated player's change, nothing for the unrated, and your new rating", async () => {
      await page.goto(`${server.url}/#/results/${last.gameId}`);
      await page.waitForSelector("#ranking tbody tr:nth-child(4)");
      const rows = await page
        .locator("#ranking tbody tr")
        .evaluateAll((trs) =>
          trs.map((tr) => [
            tr.querySelector("th")!.textContent,
            tr.querySelector(".rating-change")!.textContent,
          ]),
        );
      assert.deepEqual(rows, [
        ["Ada", "+14"],
        ["Zed", "+3"],
        ["Bob", "\u22126"],
        ["Dee", ""],
      ]);
      assert.equal(
        await page.getAttribute("#ranking tbody tr:nth-child(1) .rating-change", "title"),
        `${ratingOf(ada) - 14} → ${ratingOf(ada)}`,
      );
      await page.waitForSelector("#own-rating:not([hidden])");
      assert.equal(await page.textContent("#own-rating"), "Rating 1003 (+3, from 1000)");
      await screenshot(page, "results-rating-desktop");
      await page.setViewportSize(PHONE);
      await page.reload();
      await page.waitForSelector("#own-rating:not([hidden])");
      await screenshot(page, "results-rating-phone");
      await page.setViewportSize(DESKTOP);
    });

    it("a profile shows the rating and its chart; a provisional one says how many rated races to go", async () => {
      await page.goto(`${server.url}/#/users/${ada.id}`);
      await page.waitForSelector("#stat-rating");
      assert.equal(await page.textContent("#stat-rating dd"), String(ratingOf(ada)));
      assert.equal(await page.locator("#stat-rating .provisional-note").count(), 0, "13 rated races");
      await page.waitForSelector("#rating-chart canvas");
      assert.equal(await page.getAttribute("#rating-chart-summary", "data-races"), "10", "the last 10");
      await page.click('#rating-sizes button:text-is("100")');
      await page.waitForSelector('#rating-chart-summary[data-races="13"]');
      assert.match(
        (await page.textContent("#rating-chart-summary")) ?? "",
        new RegExp(`^13 rated races, from \\d+ to ${ratingOf(ada)}; highest \\d+\\.$`),
      );
      await screenshot(page, "profile-rating-desktop");

      // On a phone from the start: the charts are drawn at the width they have.
      await page.setViewportSize(PHONE);
      await page.goto(`${server.url}/#/users/${cy.id}`);
      await page.waitForSelector("#stat-rating .provisional-note");
      assert.equal(
        await page.textContent("#stat-rating .provisional-note"),
        "provisional · 7 rated races to go",
      );
      await page.waitForSelector('#rating-chart-summary[data-races="3"]');
      // Nothing widens a phone's page: wide tables scroll in their own box.
      assert.equal(await page.evaluate("document.documentElement.scrollWidth"), PHONE.width);
      await screenshot(page, "profile-rating-provisional-phone");
      await page.setViewportSize(DESKTOP);
    });

    it("your own profile with one rated race: provisional, and the chart of it", async () => {
      await page.goto(`${server.url}/#/profile`);
      await page.waitForSelector("#stat-rating .provisional-note");
      assert.equal(await page.textContent("#stat-rating dd"), "1003");
      assert.equal(
        await page.textContent("#stat-rating .provisional-note"),
        "provisional · 9 rated races to go",
      );
      await page.waitForSelector('#rating-chart-summary[data-races="1"]');
    });

    it("the Rating tab ranks those with 10 rated races by rating, next to the wpm boards", async () => {
      await page.goto(`${server.url}/#/leaderboard/rating`);
      await page.waitForSelector("#rating-board tbody tr");
      const rows = await page
        .locator("#rating-board tbody tr")
        .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent)));
      assert.deepEqual(
        rows,
        [ada, bob]
          .sort((a, b) => ratingOf(b) - ratingOf(a))
          .map((player, i) => [
            String(i + 1),
            player.name,
            String(ratingOf(player)),
            player === ada ? "13" : "16",
          ]),
        "Cy (3 rated races) and the guest are not on it",
      );
      assert.deepEqual(await page.locator('[role="tab"]').allTextContents(), [
        "Today",
        "This week",
        "All time",
        "Rating",
      ]);
      await screenshot(page, "leaderboard-rating-desktop");
      await page.setViewportSize(PHONE);
      await screenshot(page, "leaderboard-rating-phone");
      await page.setViewportSize(DESKTOP);
      // The arrow keys and the tabs lead back to the wpm boards.
      await page.click("#tab-all");
      await page.waitForURL(/#\/leaderboard\/all\/25$/);
      // The URL changes before the screen is drawn again: focus the new board's tab.
      await page.focus('#tab-all[aria-selected="true"]');
      await page.keyboard.press("ArrowRight");
      await page.waitForURL(/#\/leaderboard\/rating$/);
      assert.equal(await page.textContent("#my-rating-place"), "Guests are not ranked on this board.");
    });

    it("a registered player not yet on the Rating tab is told how many rated races to go", async () => {
      // Cy, signed in: a session stored as a sign-in leaves it.
      const { token } = await createTokenService(TEST_JWT_SECRET).issueAccessToken(cy, 3600);
      const session = {
        user: cy,
        accessToken: token,
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      };
      const {
        context: cysContext,
        page: cysPage,
        errors: cysErrors,
      } = await playerPage(browser, PHONE, true);
      try {
        await cysPage.goto(server.url);
        await cysPage.evaluate(
          (stored) => localStorage.setItem("typephoon.session", stored),
          JSON.stringify(session),
        );
        await cysPage.goto(`${server.url}/#/leaderboard/rating`);
        await cysPage.reload();
        await cysPage.waitForSelector("#my-rating-place:not(:empty)");
        assert.equal(
          await cysPage.textContent("#my-rating-place"),
          "You have 3 rated races: 7 more and you are on this board.",
        );
        await screenshot(cysPage, "leaderboard-rating-provisional-phone");
        assert.deepEqual(cysErrors, []);
      } finally {
        await cysContext.close();
      }
    });
  });

  it("a profile with no rated race says how one starts, and offers a race on your own", async () => {
    const newcomer = await newPlayer(db, "Newcomer", true);
    await page.goto(`${server.url}/#/users/${newcomer.id}`);
    await page.waitForSelector("#no-rated-races");
    assert.match((await page.textContent("#no-rated-races")) ?? "", /No rated races yet/);
    assert.equal(
      await page.textContent("#stat-rating .provisional-note"),
      "provisional · 10 rated races to go",
    );
  });

  it("a race just over: the room's rating message shows the player's new rating at once", async () => {
    await page.goto(server.url);
    await page.click("#find-race");
    await page.waitForURL(/#\/race\//, { timeout: 15_000 });
    await page.locator("#typing:not([readonly])").waitFor({ timeout: 15_000 });
    const gameId = /#\/race\/([\w-]+)$/.exec(new URL(page.url()).hash)![1]!;
    const { words } = dataOf(await call<GameResponse>(server.url, `/api/v1/games/${gameId}`));
    await typeLikeAPerson(page, words.join(" "), 90);
    await page.waitForSelector(".own-result:not([hidden]) .place", { timeout: 15_000 });
    // A race alone is unrated, and the page says why once the race's end is stored.
    await page
      .locator("#own-rating", { hasText: "Not rated: a race is rated when two players typed" })
      .waitFor();

    // What the race room sends each player still in it once a rated race's update is done.
    const room = matchMaker.getLocalRoomById(gameId);
    assert.ok(room, "the race's room is still there");
    const rating: RatingMessage = { ratingBefore: 1003, ratingAfter: 1015 };
    for (const client of room.clients) client.send(ServerMessage.RATING, rating);
    await page.waitForSelector("#own-rating:not([hidden])");
    assert.equal(await page.textContent("#own-rating"), "Rating 1015 (+12, from 1003)");
    assert.equal(await page.textContent("#ranking tr.me .rating-change"), "+12");
    await screenshot(page, "race-results-rating-desktop");
  });
});
