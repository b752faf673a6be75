/**
 * Leaderboard: each player's best wpm in races of one length (10, 25, 50 or 100 words), for today,
 * this week or all time (tabs), with the signed-in player's own place even outside the top 50; and
 * beside them the Rating tab: players with 10 rated races or more, by rating.
 */
import type { LeaderboardResponse, RatingLeaderboardResponse } from "../../../src/api/contracts/profile.ts";
import {
  LEADERBOARD_PERIODS,
  type LeaderboardBoard,
  type LeaderboardPeriod,
  PROVISIONAL_RACES,
  RACE_LENGTHS,
} from "../../../src/protocol.ts";
import { type ApiAnswer, Unreachable } from "../api.ts";
import { type App, heading, link, type Screen } from "../app.ts";
import { fill, h } from "../dom.ts";
import { leaderboard, ratingBoard, statistics } from "../profileApi.ts";
import { DEFAULT_LEADERBOARD_WORDS as DEFAULT_WORDS, hashOf, type Route } from "../routes.ts";
import { apiErrorText, figure, ordinal, percent, when } from "../words.ts";

/** The tabs: the wpm boards' periods, then the rating board. */
type Tab = LeaderboardPeriod | Extract<LeaderboardBoard, "rating">;
const TABS: readonly Tab[] = [...LEADERBOARD_PERIODS, "rating"];
const TAB_NAMES: Record<Tab, string> = {
  daily: "Today",
  weekly: "This week",
  all: "All time",
  rating: "Rating",
};

/** The tab list; `words` is the length the wpm tabs keep when coming back from the rating tab. */
function boardTabs(app: App, shown: Tab, words: number): { tablist: HTMLElement; focus: HTMLElement } {
  const routeOf = (tab: Tab): Route =>
    tab === "rating" ? { screen: "ratings" } : { screen: "leaderboard", period: tab, words };
  const tabs = TABS.map((each) =>
    h(
      "a",
      {
        role: "tab",
        id: `tab-${each}`,
        href: hashOf(routeOf(each)),
        "aria-selected": String(each === shown),
        "aria-controls": "leaderboard-panel",
        tabindex: each === shown ? 0 : -1,
      },
      TAB_NAMES[each],
    ),
  );
  const tablist = h("div", { role: "tablist", class: "tabs", "aria-label": "Board" }, ...tabs);
  // Arrow keys move between the tabs, as in any tab list: from the tab that has the focus.
  tablist.addEventListener("keydown", (event) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    const from = tabs.indexOf(event.target as HTMLAnchorElement);
    const at = from === -1 ? TABS.indexOf(shown) : from;
    app.navigate(routeOf(TABS[(at + step + TABS.length) % TABS.length]!));
  });
  return { tablist, focus: tabs[TABS.indexOf(shown)]! };
}

/** The panel under the tabs, filled once the board is read. */
function boardPanel<T>(
  app: App,
  shown: Tab,
  read: () => Promise<ApiAnswer<T>>,
  show: (board: T) => HTMLElement[],
): { panel: HTMLElement; dispose(): void } {
  const panel = h(
    "div",
    { role: "tabpanel", id: "leaderboard-panel", "aria-labelledby": `tab-${shown}` },
    h("p", { class: "muted" }, "Loading…"),
  );
  let disposed = false;
  read()
    .then((answer) => {
      if (disposed) return;
      if (!answer.ok) {
        fill(panel, h("p", { class: "form-error" }, apiErrorText(answer.error?.code, answer.error?.message)));
        return;
      }
      fill(panel, ...show(answer.data));
    })
    .catch((error) => {
      if (!disposed && error instanceof Unreachable) app.unreachable();
    });
  return {
    panel,
    dispose() {
      disposed = true;
    },
  };
}

export function leaderboardScreen(app: App, period: LeaderboardPeriod, words: number): Screen {
  const { tablist, focus } = boardTabs(app, period, words);
  const lengths = h(
    "div",
    { class: "segments", role: "group", "aria-label": "Words per race" },
    h("span", { class: "muted" }, "Words"),
    ...RACE_LENGTHS.map((each) =>
      h(
        "a",
        {
          class: "button segment",
          href: hashOf({ screen: "leaderboard", period, words: each }),
          "aria-current": each === words ? "true" : undefined,
          id: `words-${each}`,
        },
        String(each),
      ),
    ),
  );
  const { panel, dispose } = boardPanel(
    app,
    period,
    () => leaderboard(app.sessions, period, words),
    (answer) => board(answer, app.sessions.user?.id),
  );
  const element = h("section", { class: "leaderboard" }, heading("Leaderboard"), tablist, lengths, panel);
  return { element, title: `Leaderboard · ${TAB_NAMES[period]}`, focus, dispose };
}

/** `#/leaderboard/rating`: the rating board. */
export function ratingBoardScreen(app: App): Screen {
  const { tablist, focus } = boardTabs(app, "rating", DEFAULT_WORDS);
  const about = h(
    "p",
    { class: "muted board-about" },
    `Ratings come from public races against other players. A player is on this board after ${PROVISIONAL_RACES} rated races.`,
  );
  const { panel, dispose } = boardPanel(
    app,
    "rating",
    () => ratingBoard(app.sessions),
    (answer) => [...notOnTheBoard(app, answer.me), ...ratings(answer, app.sessions.user?.id)],
  );
  const element = h("section", { class: "leaderboard" }, heading("Leaderboard"), tablist, about, panel);
  return { element, title: "Leaderboard · Rating", focus, dispose };
}

/**
 * A signed-in player who is not on the rating board is told why, and what gets them on it: a guest
 * is never ranked (signing in is), a provisional player needs more rated races (how many, read from
 * their statistics).
 */
function notOnTheBoard(app: App, me: RatingLeaderboardResponse["me"]): HTMLElement[] {
  const user = app.sessions.user;
  if (!user || me) return [];
  const line = h("p", { class: "my-rank", id: "my-rating-place" });
  if (user.guest) {
    fill(
      line,
      "Guests are not ranked on this board.",
      app.providers.length > 0 ? " " : null,
      app.providers.length > 0 ? link({ screen: "sign-in" }, "Sign in to be on it.") : null,
    );
    return [line];
  }
  statistics(app.sessions, { self: true })
    .then((answer) => {
      if (!answer.ok || !answer.data.provisional) return;
      const toGo = PROVISIONAL_RACES - answer.data.ratedRaces;
      line.textContent = `You have ${answer.data.ratedRaces} rated ${answer.data.ratedRaces === 1 ? "race" : "races"}: ${toGo} more and you are on this board.`;
    })
    .catch(() => {});
  return [line];
}

function ratings({ entries, me }: RatingLeaderboardResponse, myId: string | undefined): HTMLElement[] {
  if (entries.length === 0) {
    return [
      h(
        "p",
        { class: "muted", id: "rating-board-empty" },
        `Nobody has ${PROVISIONAL_RACES} rated races yet: every public race against someone else counts toward them.`,
      ),
      h("p", {}, link({ screen: "lobby" }, "Find a race", { class: "button primary" })),
    ];
  }
  const parts: HTMLElement[] = [];
  if (me)
    parts.push(h("p", { class: "my-rank" }, `You are ${ordinal(me.rank)} with a rating of ${me.rating}.`));
  parts.push(
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "leaderboard-table", id: "rating-board" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "#"),
            h("th", { scope: "col" }, "Player"),
            h("th", { scope: "col" }, "Rating"),
            h("th", { scope: "col" }, "Rated races"),
          ),
        ),
        h(
          "tbody",
          {},
          ...entries.map((entry) =>
            h(
              "tr",
              { class: entry.userId === myId ? "me" : undefined },
              h("td", {}, String(entry.rank)),
              h("th", { scope: "row" }, link({ screen: "user", userId: entry.userId }, entry.name)),
              h("td", {}, String(entry.rating)),
              h("td", {}, String(entry.ratedRaces)),
            ),
          ),
        ),
      ),
    ),
  );
  return parts;
}

function board({ entries, me, words }: LeaderboardResponse, myId: string | undefined): HTMLElement[] {
  if (entries.length === 0) {
    return [
      h(
        "p",
        { class: "muted" },
        `Nobody has finished a ${words}-word race in this period yet. Be the first!`,
      ),
    ];
  }
  const parts: HTMLElement[] = [];
  if (me) parts.push(h("p", { class: "my-rank" }, `You are ${ordinal(me.rank)} with ${figure(me.wpm)} wpm.`));
  parts.push(
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "leaderboard-table", id: "leaderboard" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "#"),
            h("th", { scope: "col" }, "Player"),
            h("th", { scope: "col" }, "WPM"),
            h("th", { scope: "col" }, "Acc"),
            h("th", { scope: "col" }, "When"),
          ),
        ),
        h(
          "tbody",
          {},
          ...entries.map((entry) =>
            h(
              "tr",
              { class: entry.userId === myId ? "me" : undefined },
              h("td", {}, String(entry.rank)),
              h(
                "th",
                { scope: "row" },
                link({ screen: "user", userId: entry.userId }, entry.name),
                entry.guest ? h("span", { class: "muted" }, " (guest)") : null,
              ),
              h("td", {}, link({ screen: "results", gameId: entry.gameId }, figure(entry.wpm))),
              h("td", {}, percent(entry.acc)),
              h("td", {}, when(entry.finishedAt)),
            ),
          ),
        ),
      ),
    ),
  );
  return parts;
}
