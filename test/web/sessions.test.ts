/**
 * Signed-in sessions in real Chromium against a real OpenID Connect provider: what a player with
 * several tabs open sees when the access token runs out, when tabs refresh together, when they
 * sign in, sign out or upgrade from a guest in another tab, when the provider is down, and when an
 * old callback URL is opened again; the account page; and the guest's way to keep their races.
 * The multi-tab stories open two pages of one browser context: one browser, one person.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { GameResponse } from "../../src/api/contracts/games.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { buildWebClient } from "../../web/build.ts";
import { testDatabaseUrl } from "../hooks.ts";
import {
  DESKTOP,
  launchChromium,
  PHONE,
  playerPage,
  screenshot,
  typeLikeAPerson,
} from "../support/chromium.ts";
import { call, dataOf } from "../support/http.ts";
import { race, record } from "../support/profiles.ts";
import { type SignInWorld, someone, startSignInWorld } from "../support/signIn.ts";

/**
 * Short enough that a story outlives its access token in seconds, not in 15 minutes; long enough
 * that a token just refreshed is not already "expiring" (its last quarter, web/src/session.ts) for
 * a tab that a loaded machine makes wait seconds for the refresh lock: at 5 s that took ~3 s, and
 * at 8 s a clean-clone run once saw the second tab refresh again (its reload took over 6 s).
 */
const ACCESS_TOKEN_TTL_S = 12;
const WORLD_SETTINGS = {
  ACCESS_TOKEN_TTL_S: String(ACCESS_TOKEN_TTL_S),
  // One player fills a lobby, so a race starts at once.
  LOBBY_MAX_PLAYERS: "1",
  RACE_START_COUNTDOWN_MS: "1000",
  RACE_WORDS: "10",
  // Races left running when the file ends wait this long for their closed pages before the server stops.
  RECONNECT_GRACE_S: "5",
  // ...and at most this long in all: a clean-clone run once had a race of the file's last moments
  // still "racing", its page closed, 75 s into the server's stop, past the hook's 90 s.
  RACE_TIME_LIMIT_MS: "60000",
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Until the access token the page holds has expired for the server. */
const outliveTheAccessToken = () => sleep(ACCESS_TOKEN_TTL_S * 1000 + 1500);

/** Who the header says plays ("" when nobody). */
const headerName = async (page: Page) =>
  (await page.locator("#user-name").count()) ? ((await page.textContent("#user-name")) ?? "") : "";
const signedInAs = (page: Page, name: string) =>
  page.locator("#user-name", { hasText: name }).waitFor({ timeout: 10_000 });
const signedOut = (page: Page) => page.locator("#user-name").waitFor({ state: "detached", timeout: 10_000 });

/** The page's stored session, as another tab reads it. */
const storedSession = (page: Page) =>
  page.evaluate(
    () =>
      JSON.parse(localStorage.getItem("typephoon.session") ?? "null") as {
        user: { id: string; name: string; guest: boolean };
        accessToken: string;
      } | null,
  );

const signInButton = (page: Page) => page.locator("a", { hasText: "Sign in with Test ID" }).first();

describe("signed-in sessions across tabs, token expiry and provider outages, in Chromium", function () {
  this.timeout(90_000);
  let world: SignInWorld;
  let browser: Browser;
  let db: Database;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[][] = [];

  /** One person's browser: its own cookies and storage; tabs are its pages. */
  const person = async (viewport = DESKTOP) => {
    const opened = await playerPage(browser, viewport);
    contexts.push(opened.context);
    pageErrors.push(opened.errors);
    const tab = async () => {
      const page = await opened.context.newPage();
      page.on("pageerror", (error) => opened.errors.push(error.message));
      return page;
    };
    return { context: opened.context, page: opened.page, tab };
  };

  /** Signs in with the test provider from the page's "Sign in with Test ID". */
  async function signIn(page: Page, name: string) {
    world.idp.signInAs(someone(name));
    await page.goto(world.server.url);
    await signInButton(page).click();
    await signedInAs(page, name);
  }

  before(async () => {
    await buildWebClient();
    [world, browser] = await Promise.all([startSignInWorld(WORLD_SETTINGS), launchChromium()]);
    db = createDatabase(testDatabaseUrl());
  });
  afterEach(() => {
    for (const errors of pageErrors) assert.deepEqual(errors.splice(0), [], "errors in the page");
  });
  after(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    await browser?.close();
    await world?.stop();
    await db?.close();
  });

  describe("1. an access token that expires while the page is open", () => {
    it("Profile and Leaderboard keep answering: the page refreshes first, never asks to sign in again", async () => {
      const { page } = await person();
      await signIn(page, "Ada");
      await page.goto(`${world.server.url}/#/profile`);
      await page.waitForSelector("#stat-races dd");

      await outliveTheAccessToken();
      await page.click("#nav a:text('Leaderboard')");
      await page.waitForSelector("#leaderboard-panel :is(p, table)");
      assert.equal(await page.locator("#leaderboard-panel .form-error").count(), 0);
      await page.click("#nav a:text('Profile')");
      await page.waitForSelector("#stat-races dd");
      await page.waitForSelector("#history :is(p, table)");
      assert.equal(await page.locator("#screen .form-error").count(), 0, "no section says to sign in");
      assert.equal(await headerName(page), "Ada");
    });

    it("a token the server refuses while the page thinks it fresh (a slow clock) is refreshed, and the call made again", async () => {
      const { page } = await person();
      // This computer's clock runs five minutes behind the server's.
      await page.clock.install({ time: Date.now() - 5 * 60_000 });
      await signIn(page, "Grace");
      await outliveTheAccessToken();

      await page.click("#nav a:text('Profile')");
      await page.waitForSelector("#stat-races dd");
      await page.waitForSelector("#history :is(p, table)");
      assert.equal(await page.locator("#screen .form-error").count(), 0);
    });

    it("the public leaderboard answers with a token that no longer verifies: anonymously, without asking to sign in", async () => {
      const { page } = await person();
      await page.goto(world.server.url);
      await page.fill("#guest-name", "Ghost");
      await page.click("#find-race");
      await page.waitForURL(/#\/(lobby|race)/);
      await page.goto(`${world.server.url}/#/`);
      // The guest's races move into an account elsewhere: its token stops verifying.
      const guest = (await storedSession(page))!;
      const account = await db.prisma.user.create({ data: { name: "Somebody", guest: false } });
      await db.prisma.user.update({
        where: { id: guest.user.id },
        data: { mergedIntoId: account.id, mergedAt: new Date() },
      });

      await page.click("#nav a:text('Leaderboard')");
      await page.waitForSelector("#leaderboard-panel :is(p, table)");
      assert.equal(await page.locator("#leaderboard-panel .form-error").count(), 0);
    });
  });

  describe("2. two tabs refreshing at the same moment (a browser restoring its session)", () => {
    it("both stay signed in, with one refresh for the browser, and the session goes on afterwards", async () => {
      const { page, tab } = await person();
      await signIn(page, "Lin");
      const second = await tab();
      await second.goto(world.server.url);
      await signedInAs(second, "Lin");
      await outliveTheAccessToken();

      const refreshes: string[] = [];
      for (const each of [page, second]) {
        each.on("request", (request) => {
          if (request.url().endsWith("/api/v1/auth/refresh")) refreshes.push(request.url());
        });
      }
      await Promise.all([page.reload(), second.reload()]);
      await signedInAs(page, "Lin");
      await signedInAs(second, "Lin");
      assert.equal(refreshes.length, 1, "the tabs took turns: one refreshed, the other took its result");

      // The account was not signed out everywhere: the next refresh works too.
      await outliveTheAccessToken();
      await second.reload();
      await signedInAs(second, "Lin");
      await second.goto(`${world.server.url}/#/profile`);
      await second.waitForSelector("#stat-races dd");
    });
  });

  describe("3. a sign-in opened in a new tab", () => {
    it("lands signed in, though the page that had the button never knew", async () => {
      const { page, tab } = await person();
      await page.goto(world.server.url);
      const href = (await signInButton(page).getAttribute("href"))!;

      world.idp.signInAs(someone("Noor"));
      const opened = await tab();
      await opened.goto(new URL(href, world.server.url).href);
      await signedInAs(opened, "Noor");
      // The tab that had the button follows.
      await signedInAs(page, "Noor");
    });

    it("as a guest: the races move into the account, the new tab says so and keeps the account", async () => {
      const { page, tab } = await person();
      await page.goto(world.server.url);
      await page.fill("#guest-name", "Quick Fox");
      await page.click("#find-race");
      await page.waitForURL(/#\/(lobby|race)/);
      await page.goto(`${world.server.url}/#/`);
      const guest = (await storedSession(page))!;
      await record(db, race(guest.user.id));
      const href = (await signInButton(page).getAttribute("href"))!;

      world.idp.signInAs(someone("Ada"));
      const opened = await tab();
      await opened.goto(new URL(href, world.server.url).href);
      await signedInAs(opened, "Ada");
      await opened
        .locator("#notice", { hasText: "Signed in as Ada — 1 race moved into your account" })
        .waitFor();
      await screenshot(opened, "signed-in-notice-desktop");
      await opened.goto(`${world.server.url}/#/profile`);
      assert.equal(await opened.locator("#stat-races dd").textContent(), "1");
      await signedInAs(page, "Ada");
    });
  });

  describe("4. a guest tab left open while another tab signs in", () => {
    it("follows the sign-in at once, races as the account, and never wipes the new session", async () => {
      const { page, tab } = await person();
      await page.goto(world.server.url);
      await page.fill("#guest-name", "Slow Loris");
      await page.click("#find-race");
      await page.waitForURL(/#\/(lobby|race)/);
      await page.goto(`${world.server.url}/#/`);
      const second = await tab();
      await second.goto(world.server.url);
      await signedInAs(second, "Slow Loris");

      world.idp.signInAs(someone("Ada"));
      await signInButton(page).click();
      await signedInAs(page, "Ada");
      await signedInAs(second, "Ada");

      await second.click("#find-race");
      await second.waitForURL(/#\/race\//, { timeout: 15_000 });
      const gameId = /#\/race\/([\w-]+)/.exec(second.url())![1]!;
      const game = dataOf(await call<GameResponse>(world.server.url, `/api/v1/games/${gameId}`));
      assert.deepEqual(
        game.players.map((player) => player.name),
        ["Ada"],
      );
      await page.reload();
      await signedInAs(page, "Ada");
    });
  });

  describe("5. signing out in one tab", () => {
    it("signs every tab out at once: one racing leaves its race, one on the profile goes home", async () => {
      const { page, tab } = await person();
      await signIn(page, "Mo");
      const racing = await tab();
      await racing.goto(world.server.url);
      await signedInAs(racing, "Mo");
      await racing.click("#find-race");
      await racing.waitForURL(/#\/race\//, { timeout: 15_000 });
      const profile = await tab();
      await profile.goto(`${world.server.url}/#/profile`);
      await profile.waitForSelector("#stat-races dd");

      await page.click("#sign-out");
      await signedOut(page);
      for (const other of [racing, profile]) {
        await signedOut(other);
        await other.waitForURL(`${world.server.url}/#/`);
        assert.match((await other.textContent("#notice")) ?? "", /signed out in another tab/i);
      }
      assert.equal(await storedSession(racing), null);
    });
  });

  describe("7. the callback URL opened a second time", () => {
    it("a signed-in player just goes home, signed in, with nothing to worry about", async () => {
      const { page } = await person();
      const callbacks: string[] = [];
      page.on("request", (request) => {
        if (request.url().includes("/api/v1/auth/test/callback")) callbacks.push(request.url());
      });
      await signIn(page, "Ida");
      assert.equal(callbacks.length, 1);

      await page.goto(callbacks[0]!);
      await page.waitForURL(`${world.server.url}/**`);
      await signedInAs(page, "Ida");
      assert.equal(await page.isVisible("#notice"), false, "no error notice");
    });
  });

  describe("after signing out", () => {
    it("the next sign-in asks the provider for its account choice, so another person can sign in", async () => {
      const { page } = await person();
      await signIn(page, "Ada");
      await page.click("#sign-out");
      await signedOut(page);

      world.idp.signInAs(someone("Grace"));
      const asked = world.idp.authorizationRequests().length;
      await signInButton(page).click();
      await signedInAs(page, "Grace");
      const request = world.idp.authorizationRequests()[asked]!;
      assert.equal(request.searchParams.get("prompt"), "select_account");
    });
  });

  describe("the header and a guest's results", () => {
    it("offers Sign in in the header, not only on Home", async () => {
      const { page } = await person(PHONE);
      await page.goto(`${world.server.url}/#/leaderboard/daily/10`);
      await page.click("#sign-in");
      await page.waitForURL(/#\/sign-in$/);
      await screenshot(page, "sign-in-phone");
      world.idp.signInAs(someone("Kay"));
      await signInButton(page).click();
      await signedInAs(page, "Kay");
      assert.equal(await page.locator("#sign-in").count(), 0, "no Sign in once signed in");
    });

    it("a guest who finishes a race is offered to sign in to keep it", async () => {
      const { page } = await person();
      await page.goto(world.server.url);
      await page.fill("#guest-name", "Typist");
      await page.click("#find-race");
      await page.waitForURL(/#\/race\//, { timeout: 15_000 });
      await page.locator("#typing:not([readonly])").waitFor({ timeout: 15_000 });
      const gameId = /#\/race\/([\w-]+)/.exec(page.url())![1]!;
      const game = dataOf(await call<GameResponse>(world.server.url, `/api/v1/games/${gameId}`));
      await typeLikeAPerson(page, game.words.join(" "), 60);
      await page.waitForSelector(".own-result:not([hidden])");

      const keep = page.locator("#keep-race");
      assert.equal(await keep.textContent(), "Sign in to keep this race");
      await screenshot(page, "results-guest-desktop");
      await keep.click();
      world.idp.signInAs(someone("Typist Ada"));
      await signInButton(page).click();
      await signedInAs(page, "Typist Ada");
      await page.locator("#notice", { hasText: "1 race moved into your account" }).waitFor();
    });
  });

  describe("a guest signing out", () => {
    it("is warned that their races become unreachable, and offered to sign in instead", async () => {
      const { page, tab } = await person();
      await page.goto(world.server.url);
      await page.fill("#guest-name", "Fleeting");
      await page.click("#find-race");
      await page.waitForURL(/#\/(lobby|race)/);
      await page.goto(`${world.server.url}/#/`);

      await page.click("#sign-out");
      const dialog = page.locator("#sign-out-dialog");
      await dialog.waitFor();
      assert.match((await dialog.textContent()) ?? "", /can no longer be reached/);
      assert.equal(await dialog.locator("a", { hasText: "Sign in with Test ID" }).count(), 1);
      await screenshot(page, "guest-sign-out-desktop");
      await dialog.locator("button", { hasText: "Cancel" }).click();
      assert.equal(await headerName(page), "Fleeting (guest)");

      const other = await tab();
      await other.goto(world.server.url);
      await page.click("#sign-out");
      await page.click("#sign-out-anyway");
      await signedOut(page);
      await signedOut(other);
    });
  });

  describe("the account page", () => {
    it("renames the player everywhere, and the provider's name no longer replaces the chosen one", async () => {
      const { page, tab } = await person();
      const ada = someone("Ada Lovelace");
      world.idp.signInAs(ada);
      await page.goto(world.server.url);
      await signInButton(page).click();
      await signedInAs(page, "Ada Lovelace");
      const other = await tab();
      await other.goto(world.server.url);

      await page.click("#user-name");
      await page.waitForURL(/#\/account$/);
      await page.locator("#account-providers", { hasText: "Test ID" }).waitFor();
      await page.fill("#account-name", "   ");
      await page.click("#rename");
      await page.locator("#rename-error", { hasText: "must not be empty" }).waitFor();
      await page.fill("#account-name", "Countess");
      await page.click("#rename");
      await signedInAs(page, "Countess");
      await signedInAs(other, "Countess");
      await screenshot(page, "account-desktop");

      // Signing in again: the provider still says "Ada Lovelace", the player chose "Countess".
      await page.click("#sign-out");
      await signedOut(page);
      world.idp.signInAs(ada);
      await signInButton(page).click();
      await signedInAs(page, "Countess");
    });

    it("deletes the account and its races after a confirmation; every tab is signed out", async () => {
      const { page, tab } = await person();
      await signIn(page, "Leaving");
      const { user } = (await storedSession(page))!;
      await record(db, race(user.id));
      const other = await tab();
      await other.goto(`${world.server.url}/#/profile`);
      await other.waitForSelector("#stat-races dd");

      await page.goto(`${world.server.url}/#/account`);
      await page.click("#delete-account");
      const dialog = page.locator("#delete-dialog");
      await dialog.waitFor();
      assert.equal(await page.isDisabled("#delete-confirmed"), true, "nothing is deleted before confirming");
      await page.fill("#delete-confirm", "delete");
      await screenshot(page, "account-delete-desktop");
      await page.click("#delete-confirmed");
      await signedOut(page);
      await page.locator("#notice", { hasText: "Your account and its races were deleted." }).waitFor();
      await signedOut(other);

      assert.equal(await db.prisma.user.findUnique({ where: { id: user.id } }), null);
      assert.equal(await db.prisma.gameResult.count({ where: { userId: user.id } }), 0);
      assert.equal(await db.prisma.refreshToken.count({ where: { userId: user.id } }), 0);
    });
  });
});

describe("6. a sign-in provider that goes down after a good sign-in, in Chromium", function () {
  this.timeout(60_000);
  let world: SignInWorld;
  let browser: Browser;
  let context: BrowserContext | undefined;

  before(async () => {
    await buildWebClient();
    [world, browser] = await Promise.all([startSignInWorld(), launchChromium()]);
  });
  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await world?.stop();
  });

  it("says so in a sentence on Home instead of leaving the browser at an unreachable address", async () => {
    const opened = await playerPage(browser, DESKTOP);
    context = opened.context;
    const { page } = opened;
    world.idp.signInAs(someone("Ada"));
    await page.goto(world.server.url);
    await signInButton(page).click();
    await signedInAs(page, "Ada");
    await page.click("#sign-out");
    await signedOut(page);

    await world.idp.stop();
    await signInButton(page).click();
    await page.waitForURL(`${world.server.url}/**`);
    await page
      .locator("#notice", { hasText: "The sign-in provider could not be reached. Try again later." })
      .waitFor();
    await screenshot(page, "provider-down-desktop");
    assert.deepEqual(opened.errors, []);
  });
});
