/** What players do on the web client's pages, for the Chromium stories (test/web/). */
import type { Page } from "playwright-core";
import type { GameResponse } from "../../src/api/contracts/games.ts";
import { call, dataOf } from "./http.ts";

export const gameIdOf = (page: Page) => /^#\/race\/([\w-]+)$/.exec(new URL(page.url()).hash)?.[1];

/** On the home screen: plays as a guest of that name and finds a race (the lobby, or at once the race). */
export async function queueAs(page: Page, name: string): Promise<void> {
  await page.fill("#guest-name", name);
  await page.click("#find-race");
  // The player who fills a lobby may be in its race before the lobby is ever drawn.
  await page.waitForSelector(".lobby-players li.me, section.race");
}

/** The typing field takes keys (it is read-only before the start, after the finish, while disconnected). */
export const typingOpens = (page: Page, timeout = 5_000) =>
  page.locator("#typing:not([readonly])").waitFor({ timeout });

/** Waits for the race screen and for typing to open; answers the game and its text. */
export async function raceOpens(page: Page, baseUrl: string): Promise<{ gameId: string; text: string }> {
  await page.waitForURL(/#\/race\//, { timeout: 15_000 });
  await typingOpens(page, 15_000);
  const gameId = gameIdOf(page)!;
  const game = dataOf(await call<GameResponse>(baseUrl, `/api/v1/games/${gameId}`));
  return { gameId, text: game.words.join(" ") };
}

/** The ranking table as the page shows it, cell by cell. */
export const rankingOf = (page: Page) =>
  page.$$eval("#ranking tbody tr", (rows) =>
    rows.map((row) => [...row.children].map((cell) => cell.textContent)),
  );

/** Raw JavaScript error text a player must never see. */
export const RAW_ERROR = /Failed to execute|Unexpected end of JSON|TypeError|SyntaxError|undefined|\[object/;
