/**
 * Issue 24, "done when": three players race in Chromium while their server is stopped (SIGTERM) and
 * started again during one race, then killed (SIGKILL) and started again during the next. Every page
 * ends in a sensible state — no raw error text, no stuck "reconnecting" — and every stored result is
 * intact.
 */
import assert from "node:assert/strict";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
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
import { gameIdOf, queueAs, RAW_ERROR, raceOpens, rankingOf } from "../support/racePages.ts";

async function storedResults(gameId: string) {
  const client = new pg.Client(testDatabaseUrl());
  await client.connect();
  try {
    const game = await client.query("SELECT status FROM games WHERE id = $1", [gameId]);
    const { rows } = await client.query(
      `SELECT u.name, r.rank, r.wpm FROM game_results r JOIN users u ON u.id = r.user_id
       WHERE r.game_id = $1 ORDER BY r.rank NULLS LAST, u.name`,
      [gameId],
    );
    return {
      status: game.rows[0]?.status as string,
      results: rows as Array<{ name: string; rank: number | null; wpm: number }>,
    };
  } finally {
    await client.end();
  }
}

/** A page at rest: nothing stuck reconnecting or joining, no full-screen error, no raw error text. */
async function assertSettled(page: Page, name: string) {
  await page.waitForSelector("#connection-banner", { state: "hidden", timeout: 20_000 });
  assert.equal(await page.locator("#unreachable").isHidden(), true, `${name}: no full-screen error`);
  const text = (await page.textContent("body")) ?? "";
  assert.doesNotMatch(text, RAW_ERROR, `${name}: no raw error`);
  assert.doesNotMatch(text, /Joining the race…|Finding a lobby…|Reconnecting/, `${name}: nothing stuck`);
}

describe("chaos: three players, a restart and a crash (issue 24)", function () {
  this.timeout(180_000);
  let browser: Browser;
  let server: ServerProcess | undefined;
  let env: Record<string, string>;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[][] = [];
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
      DATA_DIR: await reachableTempDir("typephoon-chaos-"),
      JWT_SECRET: "chaos-secret-chaos-secret-chaos-secret-00",
      PORT: String(await freePort()),
      LOBBY_MAX_PLAYERS: "3",
      LOBBY_COUNTDOWN_MS: "60000",
      RACE_START_COUNTDOWN_MS: "1500",
      RACE_WORDS: "10",
      RECONNECT_GRACE_S: "3",
      AUTH_RATE_LIMIT_PER_MINUTE: "0",
      API_RATE_LIMIT_PER_MINUTE: "0",
      USER_RATE_LIMIT_PER_MINUTE: "0",
    };
  });
  after(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    await browser?.close();
    if (server && server.child.exitCode === null) await terminate(server);
    for (const errors of pageErrors) assert.deepEqual(errors, [], "errors in the pages");
  });

  it("every page ends sensibly and every stored result stays", async () => {
    const pages: Page[] = [];
    for (const viewport of [DESKTOP, DESKTOP, PHONE]) {
      const opened = await playerPage(browser, viewport, viewport === PHONE);
      contexts.push(opened.context);
      pageErrors.push(opened.errors);
      pages.push(opened.page);
    }
    const [ann, ben, cat] = pages as [Page, Page, Page];
    const names = ["Ann", "Ben", "Cat"];

    // Race 1: the server is stopped mid-race (SIGTERM); everyone finishes; it is started again.
    let running = await start();
    await Promise.all(pages.map((page) => page.goto(running.url)));
    for (const [index, page] of pages.entries()) await queueAs(page, names[index]!);
    const first = await raceOpens(ann, running.url);
    await Promise.all([ben, cat].map((page) => raceOpens(page, running.url)));
    const stopping = terminate(running);
    await Promise.all(pages.map((page, index) => typeLikeAPerson(page, first.text, 60 + 30 * index)));
    for (const page of pages) await page.waitForSelector(".own-result:not([hidden])");
    assert.equal((await stopping).code, 0, running.output());
    running = await start();
    for (const [index, page] of pages.entries()) {
      await assertSettled(page, names[index]!);
      assert.deepEqual(
        (await rankingOf(page)).map(([place, name]) => [place, name]),
        [
          ["1st", "Ann"],
          ["2nd", "Ben"],
          ["3rd", "Cat"],
        ],
      );
    }
    await screenshot(cat, "chaos-after-restart-phone");
    const firstStored = await storedResults(first.gameId);
    assert.equal(firstStored.status, "finished");
    assert.deepEqual(
      firstStored.results.map(({ name, rank }) => [name, rank]),
      [
        ["Ann", 1],
        ["Ben", 2],
        ["Cat", 3],
      ],
    );

    // Race 2, on the restarted server: Ann finishes, then the server is killed (SIGKILL).
    for (const page of pages) await page.click("#race-again");
    for (const page of pages) await page.waitForURL(/#\/(lobby|race\/)/);
    const second = await raceOpens(ann, running.url);
    await Promise.all([ben, cat].map((page) => raceOpens(page, running.url)));
    assert.notEqual(second.gameId, first.gameId);
    await typeLikeAPerson(ann, second.text, 60);
    await ann.waitForSelector(".own-result:not([hidden])");
    await Promise.all([ben, cat].map((page) => typeLikeAPerson(page, second.text.slice(0, 8), 90)));
    running.child.kill("SIGKILL");
    await running.exited;
    await ben.locator("#connection-banner", { hasText: "Reconnecting" }).waitFor();
    running = await start();

    // Those still racing land on the results, told the race was interrupted; Ann keeps hers.
    for (const page of [ben, cat]) {
      await page.waitForURL(new RegExp(`#/results/${second.gameId}$`), { timeout: 20_000 });
      await page.locator(".ranking-status", { hasText: "interrupted by a server problem" }).waitFor();
      await assertSettled(page, gameIdOf(page) ?? "a racer");
    }
    await ann
      .locator(".ranking-status", { hasText: "interrupted by a server problem" })
      .waitFor({ timeout: 20_000 });
    await assertSettled(ann, "Ann");
    assert.deepEqual(
      (await rankingOf(ann)).map(([place, name]) => [place, name]),
      [["1st", "Ann"]],
      "nobody shown still typing in a race that is over",
    );
    assert.match((await ann.textContent(".own-result .place")) ?? "", /^You finished 1st/);
    await screenshot(ben, "chaos-after-crash");
    await screenshot(ann, "chaos-after-crash-winner");

    const secondStored = await storedResults(second.gameId);
    assert.equal(secondStored.status, "abandoned");
    assert.deepEqual(
      secondStored.results.map(({ name, rank }) => [name, rank]),
      [["Ann", 1]],
      "the result written before the crash stays; nobody is charged a DNF for it",
    );
    assert.deepEqual(await storedResults(first.gameId), firstStored, "the first race is untouched");

    // And everyone can race on.
    for (const page of pages) {
      await page.goto(`${running.url}/#/`);
      await page.waitForSelector("#find-race");
    }
  });
});
