/**
 * Leaderboard: each player's best wpm in races of one length (10, 25, 50 or 100 words), for today,
 * this week or all time (tabs), with the signed-in player's own place even outside the top 50.
 */
import type { LeaderboardResponse } from "../../../src/api/contracts/profile.ts";
import { LEADERBOARD_PERIODS, type LeaderboardPeriod, RACE_LENGTHS } from "../../../src/protocol.ts";
import { Unreachable } from "../api.ts";
import { type App, heading, link, type Screen } from "../app.ts";
import { fill, h } from "../dom.ts";
import { leaderboard } from "../profileApi.ts";
import { hashOf } from "../routes.ts";
import { apiErrorText, figure, ordinal, percent, when } from "../words.ts";

const PERIOD_NAMES: Record<LeaderboardPeriod, string> = {
  daily: "Today",
  weekly: "This week",
  all: "All time",
};

export function leaderboardScreen(app: App, period: LeaderboardPeriod, words: number): Screen {
  const tabs = LEADERBOARD_PERIODS.map((each) =>
    h(
      "a",
      {
        role: "tab",
        id: `tab-${each}`,
        href: hashOf({ screen: "leaderboard", period: each, words }),
        "aria-selected": String(each === period),
        "aria-controls": "leaderboard-panel",
        tabindex: each === period ? 0 : -1,
      },
      PERIOD_NAMES[each],
    ),
  );
  const tablist = h("div", { role: "tablist", class: "tabs", "aria-label": "Period" }, ...tabs);
  // Arrow keys move between the tabs, as in any tab list.
  tablist.addEventListener("keydown", (event) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    const count = LEADERBOARD_PERIODS.length;
    const next = LEADERBOARD_PERIODS[(LEADERBOARD_PERIODS.indexOf(period) + step + count) % count]!;
    app.navigate({ screen: "leaderboard", period: next, words });
  });
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
  const panel = h(
    "div",
    { role: "tabpanel", id: "leaderboard-panel", "aria-labelledby": `tab-${period}` },
    h("p", { class: "muted" }, "Loading…"),
  );
  const element = h("section", { class: "leaderboard" }, heading("Leaderboard"), tablist, lengths, panel);

  let disposed = false;
  leaderboard(app.sessions, period, words)
    .then((answer) => {
      if (disposed) return;
      if (!answer.ok) {
        fill(panel, h("p", { class: "form-error" }, apiErrorText(answer.error?.code, answer.error?.message)));
        return;
      }
      fill(panel, ...board(answer.data, app.sessions.user?.id));
    })
    .catch((error) => {
      if (!disposed && error instanceof Unreachable) app.unreachable();
    });

  return {
    element,
    title: `Leaderboard · ${PERIOD_NAMES[period]}`,
    focus: tabs[LEADERBOARD_PERIODS.indexOf(period)],
    dispose() {
      disposed = true;
    },
  };
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
