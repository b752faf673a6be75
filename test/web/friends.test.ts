/**
 * Playing beyond the public queue, in real Chromium: friends race through an invite link and
 * rematch while a third watches; practice from Home; the live races to watch; the race length a
 * player chose, remembered. Screenshots land in test-artifacts/screens/.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
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
import { raceOpens, rankingOf } from "../support/racePages.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const QUICK_MS = 55;

/** Where an opponent's caret is drawn at one frame, and where the last patch put it. */
interface CaretSample {
  x: number;
  y: number;
  target: number;
}
/** Run in a page: samples its (one) opponent's caret at every frame into `window.caretSamples`. */
const FOLLOW_CARET = `(() => {
  const samples = [];
  window.caretSamples = samples;
  const sample = () => {
    const caret = document.querySelector(".opponent-caret");
    const target = /translate\\(([-\\d.]+)px, ([-\\d.]+)px\\)/.exec(caret?.style.transform ?? "");
    if (caret && target) {
      const drawn = new DOMMatrix(getComputedStyle(caret).transform);
      samples.push({ x: drawn.m41, y: Number(target[2]), target: Number(target[1]) });
    }
    if (samples.length < 5000) requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
})()`;

/** On Home: plays as `name` with races of `words` words (the radio button the page offers). */
async function arrive(page: Page, baseUrl: string, name: string, words = 10): Promise<void> {
  await page.goto(baseUrl);
  await page.fill("#guest-name", name);
  await page.check(`#race-length input[value="${words}"]`);
}

/** Types the whole text of the race on `page` like a person, and waits for the results. */
async function raceThrough(page: Page, baseUrl: string): Promise<string> {
  const { gameId, text } = await raceOpens(page, baseUrl);
  await typeLikeAPerson(page, text, QUICK_MS);
  await page.waitForSelector(".own-result:not([hidden])", { timeout: 10_000 });
  return gameId;
}

describe("racing friends, practice and watching, in Chromium", function () {
  this.timeout(90_000);
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

  before(async () => {
    await buildWebClient();
    [server, browser] = await Promise.all([
      startTestServer({
        LOBBY_MAX_PLAYERS: "2",
        LOBBY_COUNTDOWN_MS: "2000",
        RACE_START_COUNTDOWN_MS: "1500",
        RECONNECT_GRACE_S: "10",
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

  it("two friends race through the link, see each other's carets, and rematch; a third watches", async () => {
    const ada = await player();
    await arrive(ada, server.url, "Ada");
    await ada.click("#race-friends");
    await ada.waitForURL(/#\/room\/[A-Z2-9]{6}$/);
    const link = await ada.inputValue("#invite-link");
    assert.match(link, /\/#\/join\/[A-Z2-9]{6}$/);
    assert.equal(
      await ada.locator("#room-status").textContent(),
      "Send the link to your friends, or start a practice race alone.",
    );
    assert.equal(await ada.locator("#start-race").textContent(), "Start practice");

    // Bob has never been here: the link makes him a guest, then puts him in the room.
    const bob = await player();
    await bob.goto(link);
    await bob.waitForURL(/#\/room\//);
    await bob.locator("#room-players li", { hasText: "(you)" }).waitFor();
    await ada.locator("#room-players li").nth(1).waitFor();
    const [host, guest] = await ada.locator("#room-players li").allTextContents();
    assert.equal(host, "Adahost (you)");
    assert.doesNotMatch(guest!, /host|you/);
    assert.equal(await bob.locator("#start-race").isHidden(), true, "only the host starts");
    assert.match((await bob.locator("#room-status").textContent())!, /^Waiting for Ada to start the race\.$/);
    assert.equal(await bob.locator("#room-words").isDisabled(), true);
    assert.equal(await ada.locator("#start-race").textContent(), "Start race");
    await screenshot(ada, "friends-room-host");
    await screenshot(bob, "friends-room-guest");

    await ada.click("#start-race");
    const [first] = await Promise.all([raceOpens(ada, server.url), raceOpens(bob, server.url)]);
    assert.equal(first.text.split(" ").length, 10);

    // A third follows the race from its link, without typing.
    const cy = await player();
    await cy.goto(`${server.url}/#/watch/${first.gameId}`);
    await cy.locator("#watching").waitFor();
    assert.equal(await cy.locator("#typing").isHidden(), true);

    // Ada's page follows Bob's caret at every frame while he types: where it is drawn, and where the
    // last patch put it.
    // (Pages here ask for reduced motion, where carets jump: Ada's does not, for this.)
    await ada.emulateMedia({ reducedMotion: "no-preference" });
    await ada.evaluate(FOLLOW_CARET);
    const bobTypes = typeLikeAPerson(bob, first.text.slice(0, 20), QUICK_MS * 2);
    await typeLikeAPerson(ada, first.text.slice(0, 12), QUICK_MS);
    await bobTypes;
    // On his first line, the caret glides from patch to patch: drawn between two positions the
    // patches gave, never past the latest, never back.
    const samples = ((await ada.evaluate("window.caretSamples")) as CaretSample[]).filter(
      (sample, _, all) => sample.y === all[0]!.y,
    );
    const targets = [...new Set(samples.map((sample) => sample.target))];
    assert.ok(targets.length >= 5, `Bob's caret moved ${targets.length} times`);
    let between = 0;
    samples.forEach((sample, i) => {
      assert.ok(sample.x <= sample.target + 0.5, `drawn at ${sample.x}, past ${sample.target}`);
      if (i > 0)
        assert.ok(sample.x >= samples[i - 1]!.x - 0.5, `back from ${samples[i - 1]!.x} to ${sample.x}`);
      const before = targets[targets.indexOf(sample.target) - 1];
      if (before !== undefined && sample.x > before + 0.5 && sample.x < sample.target - 0.5) between++;
    });
    assert.ok(between >= 3, `drawn between two patches' positions ${between} times: it jumps`);
    // Ada sees Bob's caret in the text; Cy sees both, in their bars' colours, with names on hover.
    await ada.locator(".opponent-caret").waitFor();
    assert.equal(await ada.locator(".opponent-caret").count(), 1);
    assert.equal(await cy.locator(".opponent-caret").count(), 2);
    const bobsCaret = ada.locator(".opponent-caret");
    assert.match((await bobsCaret.getAttribute("title"))!, /^Swift|^[A-Z]/);
    const bobsBar = await ada
      .locator(".race-players li:not(.me)")
      .evaluate((row) => row.style.getPropertyValue("--player-colour"));
    assert.equal(
      await bobsCaret.evaluate((caret) => caret.style.getPropertyValue("--player-colour")),
      bobsBar,
    );
    await screenshot(ada, "friends-race-carets");
    await screenshot(cy, "friends-race-watched");

    await Promise.all([
      typeLikeAPerson(ada, first.text.slice(12), QUICK_MS),
      typeLikeAPerson(bob, first.text.slice(20), QUICK_MS * 1.5),
    ]);
    await Promise.all([ada, bob].map((page) => page.waitForSelector(".own-result:not([hidden])")));
    await cy.locator("#race-clock", { hasText: "Race over" }).waitFor({ timeout: 10_000 });
    assert.equal((await rankingOf(cy)).length, 2, "the spectator sees the ranking, and is not in it");

    // The room reopens: the host's Race again is the rematch, the guest waits for it.
    await ada.locator("#race-again:not([disabled])", { hasText: "Race again" }).waitFor({ timeout: 10_000 });
    await bob.locator("#race-again", { hasText: "Waiting for Ada to start again" }).waitFor();
    assert.equal(await bob.locator("#race-again").isDisabled(), true);
    assert.equal(await bob.locator("#back-to-room").isVisible(), true);
    assert.equal(await bob.textContent("#own-rating"), "Private races are not rated.");
    await screenshot(bob, "friends-results-guest");
    await ada.click("#race-again");
    const rematch = (url: URL) => url.hash.startsWith("#/race/") && !url.hash.endsWith(first.gameId);
    await Promise.all([ada, bob].map((page) => page.waitForURL(rematch)));
    const [second] = await Promise.all([raceThrough(ada, server.url), raceThrough(bob, server.url)]);
    assert.notEqual(second, first.gameId);

    const result = dataOf(
      await call<{ mode: string; ranking: unknown[] }>(server.url, `/api/v1/games/${second}/result`),
    );
    assert.deepEqual([result.mode, result.ranking.length], ["private", 2]);

    // Back to the room: the last race is linked, and the host can start again.
    await bob.click("#back-to-room");
    await bob.waitForURL(/#\/room\//);
    await bob.locator("#last-race a").waitFor();
  });

  it("practice from Home: a race alone at once, and Race again is another", async () => {
    const dee = await player(PHONE);
    await arrive(dee, server.url, "Dee");
    await dee.click("#practice");
    const first = await raceThrough(dee, server.url);
    assert.match((await dee.locator(".own-result .place").textContent())!, /You finished 1st/);
    await screenshot(dee, "practice-results-phone");
    await dee.click("#race-again");
    await dee.waitForURL((url) => /#\/race\//.test(url.hash) && !url.hash.endsWith(first));
    await raceThrough(dee, server.url);
  });

  it("Watch lists the public races on now; picking one shows it live, carets and all", async () => {
    const [ann, bob] = [await player(), await player()];
    await arrive(ann, server.url, "Ann");
    await arrive(bob, server.url, "Bob");
    // Both queue at once: a loaded machine loading Bob's page could outlast Ann's lobby countdown.
    await Promise.all([ann.click("#find-race"), bob.click("#find-race")]);
    const { gameId, text } = await raceOpens(ann, server.url);
    const eve = await player();
    await eve.goto(`${server.url}/#/watch`);
    await eve.locator(`a[data-game="${gameId}"]`).waitFor();
    await screenshot(eve, "watch-list");
    await eve.click(`a[data-game="${gameId}"]`);
    await eve.locator("#watching").waitFor();
    await typeLikeAPerson(ann, text.slice(0, 15), QUICK_MS);
    await eve.locator(".opponent-caret").first().waitFor();
    await screenshot(eve, "watch-race");
    assert.equal(await eve.locator("#race-players li").count(), 2);
  });

  it("remembers the race length a player chose, and queues for it", async () => {
    const fay = await player();
    await arrive(fay, server.url, "Fay", 50);
    await fay.reload();
    assert.equal(await fay.isChecked('#race-length input[value="50"]'), true);
    await fay.click("#find-race");
    await fay.locator(".seats", { hasText: "50 words" }).waitFor();
    await screenshot(fay, "lobby-50-words");
    await fay.click("#leave-lobby");
  });

  it("a code with no room says so, with the way home", async () => {
    const gus = await player();
    await gus.goto(`${server.url}/#/join/ZZZZZZ`);
    await gus.locator(".room-status", { hasText: "No room with this code." }).waitFor();
    await gus.click(".room-status a");
    await gus.waitForURL((url) => url.hash === "#/" || url.hash === "");
    await gus.goto(`${server.url}/#/join/not-a-code`);
    await gus.locator(".room-status", { hasText: "No room with this code." }).waitFor();
  });
});
