/**
 * Issue 24, items 1–3, in real Chromium against a real server process that is stopped (SIGTERM),
 * killed (SIGKILL) and started again on the same address: what each player's page shows.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext } from "playwright-core";
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
import {
  freePort,
  reachableTempDir,
  type ServerProcess,
  spawnServer,
  terminate,
  waitUntilReady,
} from "../support/processes.ts";
import { queueAs, RAW_ERROR, raceOpens, rankingOf } from "../support/racePages.ts";

const QUICK_MS = 60;

describe("the web client through server restarts, in Chromium (issue 24)", function () {
  this.timeout(120_000);
  let browser: Browser;
  let env: Record<string, string>;
  let server: ServerProcess | undefined;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[][] = [];

  const player = async (viewport = DESKTOP) => {
    const opened = await playerPage(browser, viewport);
    contexts.push(opened.context);
    pageErrors.push(opened.errors);
    return opened.page;
  };
  const start = async () => {
    server = await spawnServer(env);
    await waitUntilReady(server);
    return server;
  };

  before(async () => {
    await buildWebClient();
    browser = await launchChromium();
    env = {
      DATABASE_URL: testDatabaseUrl(),
      DATA_DIR: await reachableTempDir("typephoon-web-restarts-"),
      JWT_SECRET: "restarts-secret-restarts-secret-restarts",
      PORT: String(await freePort()),
      LOBBY_MAX_PLAYERS: "2",
      LOBBY_COUNTDOWN_MS: "60000",
      RACE_START_COUNTDOWN_MS: "1500",
      RACE_WORDS: "8",
      RECONNECT_GRACE_S: "3",
      AUTH_RATE_LIMIT_PER_MINUTE: "0",
      API_RATE_LIMIT_PER_MINUTE: "0",
      USER_RATE_LIMIT_PER_MINUTE: "0",
    };
  });
  afterEach(async () => {
    for (const errors of pageErrors) assert.deepEqual(errors.splice(0), [], "errors in the page");
    await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => {})));
    if (server && server.child.exitCode === null) await terminate(server);
  });
  after(async () => {
    await browser?.close();
  });

  it("a player waiting in the lobby while the server restarts is told so and seated again, without a click (item 2)", async () => {
    const first = await start();
    const page = await player();
    await page.goto(first.url);
    await queueAs(page, "Patient");
    const told = page.locator("#connection-banner", {
      hasText: "Server restarting, finding you a new race…",
    });
    const stopped = terminate(first);
    await told.waitFor();
    await screenshot(page, "lobby-server-restarting");
    await stopped;
    // A few tries fail while nothing answers; then the server is back.
    await page.waitForTimeout(3_000);
    assert.equal(await page.locator("#unreachable").isHidden(), true, "no full-screen error meanwhile");
    assert.doesNotMatch((await page.textContent("body")) ?? "", RAW_ERROR);
    await start();
    await page.waitForSelector(".lobby-players li.me", { timeout: 20_000 });
    await page.waitForSelector("#connection-banner", { state: "hidden" });
    assert.match((await page.textContent(".lobby-status")) ?? "", /starts in \d+ s/);
    assert.doesNotMatch((await page.textContent("body")) ?? "", RAW_ERROR);
    await screenshot(page, "lobby-after-restart");
  });

  it("a lobby seating nobody while the server shuts down answers SHUTTING_DOWN, and the page keeps trying (item 2)", async () => {
    const first = await start();
    const busy = await player();
    await busy.goto(first.url);
    await queueAs(busy, "Holder");
    // The race of two holds the process in its shutdown while a newcomer looks for a lobby.
    const other = await player();
    await other.goto(first.url);
    await other.fill("#guest-name", "Other holder");
    await other.click("#find-race");
    await raceOpens(busy, first.url);
    const newcomer = await player(PHONE);
    await newcomer.goto(first.url);
    await newcomer.fill("#guest-name", "Newcomer");
    const refused = newcomer.waitForResponse((response) => response.url().includes("/matchmake/"));
    const stopped = terminate(first);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await newcomer.click("#find-race");
    const answer = await refused;
    assert.equal(answer.status(), 503);
    assert.equal((await answer.json()).error.code, "SHUTTING_DOWN");
    await newcomer.locator("#connection-banner", { hasText: "Server restarting" }).waitFor();
    assert.doesNotMatch((await newcomer.textContent("body")) ?? "", RAW_ERROR);
    await screenshot(newcomer, "lobby-shutting-down-phone");
    await Promise.all([busy, other].map((page) => page.close()));
    await stopped;
    await start();
    await newcomer.waitForSelector(".lobby-players li.me", { timeout: 20_000 });
  });

  it("players finishing while the server shuts down keep their results on screen (item 3)", async () => {
    const first = await start();
    const [fast, slow] = [await player(), await player()];
    await Promise.all([fast.goto(first.url), slow.goto(first.url)]);
    await queueAs(fast, "Swift");
    await queueAs(slow, "Steady");
    const { text } = await raceOpens(fast, first.url);
    await raceOpens(slow, first.url);
    const stopped = terminate(first);
    await Promise.all([typeLikeAPerson(fast, text, QUICK_MS), typeLikeAPerson(slow, text, QUICK_MS * 2)]);
    for (const page of [fast, slow]) {
      await page.waitForSelector(".own-result:not([hidden])");
      await page.locator("#race-clock", { hasText: "Race over" }).waitFor({ timeout: 15_000 });
    }
    const { code } = await stopped;
    assert.equal(code, 0);
    // The process is gone; the results stay, and any later read of the ranking fails quietly.
    await fast.waitForTimeout(2_000);
    for (const page of [fast, slow]) {
      assert.equal(await page.locator("#unreachable").isHidden(), true, "no full-screen error");
      assert.equal(await page.locator(".own-result").isVisible(), true);
      assert.deepEqual(
        (await rankingOf(page)).map(([place, name]) => [place, name]),
        [
          ["1st", "Swift"],
          ["2nd", "Steady"],
        ],
      );
      assert.doesNotMatch((await page.textContent("body")) ?? "", RAW_ERROR);
    }
    await screenshot(slow, "results-after-shutdown");
  });

  it("a race whose server was killed ends on the results page, saying it was interrupted (item 1)", async () => {
    const first = await start();
    const [winner, victim] = [await player(), await player()];
    await Promise.all([winner.goto(first.url), victim.goto(first.url)]);
    await queueAs(winner, "Lucky");
    await queueAs(victim, "Unlucky");
    const { gameId, text } = await raceOpens(winner, first.url);
    await raceOpens(victim, first.url);
    await typeLikeAPerson(winner, text, QUICK_MS);
    await winner.waitForSelector(".own-result:not([hidden])");
    await typeLikeAPerson(victim, text.slice(0, 6), QUICK_MS);

    first.child.kill("SIGKILL");
    await first.exited;
    await victim.locator("#connection-banner", { hasText: "Reconnecting" }).waitFor();
    await start();
    // No click: the page sees the race is over (the restarted server closed it) and says how.
    await victim.waitForURL(new RegExp(`#/results/${gameId}$`), { timeout: 20_000 });
    await victim.waitForSelector("#connection-banner", { state: "hidden" });
    const said = victim.locator(".ranking-status", {
      hasText: "This race was interrupted by a server problem",
    });
    await said.waitFor({ timeout: 20_000 });
    assert.equal(await victim.textContent("#race-again"), "Find a new race");
    assert.deepEqual(
      (await rankingOf(victim)).map(([place, name]) => [place, name]),
      [["1st", "Lucky"]],
      "the result written before the crash stays; nobody else is ranked",
    );
    assert.doesNotMatch((await victim.textContent("body")) ?? "", RAW_ERROR);
    await screenshot(victim, "results-interrupted");
    await victim.click("#race-again");
    await victim.waitForSelector(".lobby-players li.me");

    // The winner's page reads the results again: the race is in their history, marked as theirs.
    await winner.goto(`${server!.url}/#/profile`);
    await winner.waitForSelector("#history tbody tr");
    await winner.click("#history tbody tr a");
    await winner.waitForURL(new RegExp(`#/results/${gameId}$`));
    await winner.locator(".ranking-status", { hasText: "interrupted" }).waitFor();
  });
});
