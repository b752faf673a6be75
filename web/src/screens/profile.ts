/**
 * Profile: a player's statistics (their own: "Race your best", their best race as a ghost) with
 * their rating ("provisional" for their first rated races), their wpm and their rating over the
 * last 10 / 100 / 500 / 1000 races (uPlot charts), and their race history page by page, each race
 * with its replay. `#/profile` is the signed-in player's own, `#/users/<id>` anyone's.
 */

import type {
  GraphResponse,
  HistoryResponse,
  RatingHistoryResponse,
  StatisticsResponse,
} from "../../../src/api/contracts/profile.ts";
import { PROVISIONAL_RACES } from "../../../src/protocol.ts";
import { Unreachable } from "../api.ts";
import { type App, heading, link, type Screen } from "../app.ts";
import { fill, h } from "../dom.ts";
import { raceGhost } from "../ghostRace.ts";
import {
  GRAPH_SIZES,
  graph,
  history,
  type ProfileOwner,
  publicUser,
  ratingHistory,
  statistics,
} from "../profileApi.ts";
import { drawRatingOverRaces, drawWpmOverRaces } from "../raceChart.ts";
import { apiErrorText, duration, figure, ordinal, percent, when } from "../words.ts";

export function profileScreen(app: App, userId?: string): Screen {
  const self = userId === undefined || userId === app.sessions.user?.id;
  const owner: ProfileOwner = self ? { self: true } : { self: false, userId: userId! };
  const title = heading(self ? "Your profile" : "Player profile");
  const statsBox = h("dl", { class: "stats", id: "statistics" }, h("div", {}, h("dt", {}, "Loading…")));
  // Shown once the statistics say there is a best to race.
  const raceBest = h("div", { class: "race-best" });
  const chartBox = h("figure", { class: "chart", id: "wpm-chart" });
  const segmentButtons = () =>
    GRAPH_SIZES.map((size) =>
      h(
        "button",
        { type: "button", class: "segment", "aria-pressed": size === 10 ? "true" : "false" },
        String(size),
      ),
    );
  const sizeButtons = segmentButtons();
  const ratingChartBox = h("figure", { class: "chart", id: "rating-chart" });
  const ratingSizeButtons = segmentButtons();
  const historyBox = h("div", { class: "history", id: "history" });
  const element = h(
    "section",
    { class: "profile" },
    title,
    self && app.sessions.user
      ? h("p", { class: "who" }, app.sessions.user.name, app.sessions.user.guest ? " (guest)" : "")
      : null,
    h("h2", {}, "Statistics"),
    statsBox,
    raceBest,
    h(
      "div",
      { class: "chart-head" },
      h("h2", { id: "chart-title" }, "WPM over time"),
      h(
        "div",
        { class: "segments", role: "group", "aria-label": "Races shown in the chart" },
        h("span", { class: "muted" }, "Last"),
        ...sizeButtons,
      ),
    ),
    chartBox,
    h(
      "div",
      { class: "chart-head" },
      h("h2", { id: "rating-chart-title" }, "Rating over time"),
      h(
        "div",
        {
          class: "segments",
          id: "rating-sizes",
          role: "group",
          "aria-label": "Rated races shown in the chart",
        },
        h("span", { class: "muted" }, "Last"),
        ...ratingSizeButtons,
      ),
    ),
    ratingChartBox,
    h("h2", {}, "History"),
    historyBox,
  );

  let disposed = false;
  const failed = (box: HTMLElement, error: unknown) => {
    if (disposed) return;
    if (error instanceof Unreachable) return app.unreachable();
    fill(box, h("p", { class: "form-error" }, (error as Error).message));
  };

  const loadStatistics = async () => {
    const answer = await statistics(app.sessions, owner);
    if (disposed) return;
    if (!answer.ok) throw new Error(apiErrorText(answer.error?.code, answer.error?.message));
    fill(statsBox, ...statisticsItems(answer.data));
    // Your best race, typed again by the server as a ghost, to beat.
    const best = answer.data.bestGameId;
    const me = app.sessions.user;
    if (!self || !me || !best) return;
    const button = h("button", { type: "button", class: "primary", id: "race-your-best" }, "Race your best");
    button.addEventListener("click", async () => {
      button.disabled = true;
      await raceGhost(app, { gameId: best, userId: me.id });
      button.disabled = false;
    });
    fill(raceBest, button);
  };

  const loadChart = async (last: number) => {
    for (const button of sizeButtons) {
      button.setAttribute("aria-pressed", String(button.textContent === String(last)));
    }
    const answer = await graph(app.sessions, owner, last);
    if (disposed) return;
    if (!answer.ok) throw new Error(apiErrorText(answer.error?.code, answer.error?.message));
    wpmChart(chartBox, answer.data);
  };

  const loadRatingChart = async (last: number) => {
    for (const button of ratingSizeButtons) {
      button.setAttribute("aria-pressed", String(button.textContent === String(last)));
    }
    const answer = await ratingHistory(app.sessions, owner, last);
    if (disposed) return;
    if (!answer.ok) throw new Error(apiErrorText(answer.error?.code, answer.error?.message));
    ratingChart(ratingChartBox, answer.data, self);
  };

  const loadHistory = async (page: number) => {
    const answer = await history(app.sessions, owner, page);
    if (disposed) return;
    if (!answer.ok) throw new Error(apiErrorText(answer.error?.code, answer.error?.message));
    fill(
      historyBox,
      ...historyTable(answer.data, (next) => loadHistory(next).catch((e) => failed(historyBox, e))),
    );
  };

  for (const button of sizeButtons) {
    button.addEventListener("click", () =>
      loadChart(Number(button.textContent)).catch((e) => failed(chartBox, e)),
    );
  }

  for (const button of ratingSizeButtons) {
    button.addEventListener("click", () =>
      loadRatingChart(Number(button.textContent)).catch((e) => failed(ratingChartBox, e)),
    );
  }

  if (!self) {
    publicUser(app.sessions, userId!)
      .then((answer) => {
        if (answer.ok && !disposed) title.textContent = answer.data.user.name;
      })
      .catch(() => {});
  }
  loadStatistics().catch((e) => failed(statsBox, e));
  loadChart(10).catch((e) => failed(chartBox, e));
  loadRatingChart(10).catch((e) => failed(ratingChartBox, e));
  loadHistory(1).catch((e) => failed(historyBox, e));

  return {
    element,
    title: self ? "Your profile" : "Player profile",
    dispose() {
      disposed = true;
    },
  };
}

function statisticsItems(stats: StatisticsResponse): HTMLElement[] {
  const item = (term: string, value: string, id?: string) =>
    h("div", { id }, h("dt", {}, term), h("dd", {}, value));
  // Averages and bests count finished races the fair-play check did not flag; with none, a dash.
  const counted = stats.bestGameId !== null;
  return [
    ratingItem(stats),
    item("Races", String(stats.totalGames), "stat-races"),
    item("Best", counted ? `${figure(stats.wpmBest)} wpm · ${percent(stats.accOfBest)}` : "—", "stat-best"),
    item("Last 10 finished", counted ? `${figure(stats.wpmAvg10)} wpm · ${percent(stats.accAvg10)}` : "—"),
    item("Average", counted ? `${figure(stats.wpmAvgAll)} wpm · ${percent(stats.accAvgAll)}` : "—"),
    item("Races won (of 2 or more)", String(stats.racesWon), "stat-won"),
    item("Time typing", duration(stats.timeTypingSeconds)),
  ];
}

/** The rating, and while it is provisional, how many rated races it still takes to settle. */
function ratingItem({ rating, provisional, ratedRaces }: StatisticsResponse): HTMLElement {
  const toGo = PROVISIONAL_RACES - ratedRaces;
  return h(
    "div",
    { id: "stat-rating" },
    h("dt", {}, "Rating"),
    h("dd", {}, String(rating)),
    provisional
      ? h(
          "dd",
          { class: "provisional-note", title: "A rating settles over the first rated races" },
          `provisional · ${toGo} rated ${toGo === 1 ? "race" : "races"} to go`,
        )
      : null,
  );
}

/** No rated race yet: what makes one, and (on your own profile) the way to play one. */
function noRatedRaces(self: boolean): HTMLElement[] {
  return [
    h(
      "p",
      { class: "muted", id: "no-rated-races" },
      self
        ? "No rated races yet: your rating starts moving with your first public race against someone else."
        : "No rated races yet: a rating moves with public races against other players.",
    ),
    self ? h("p", {}, link({ screen: "lobby" }, "Find a race", { class: "button" })) : null,
  ].filter((part) => part !== null);
}

/** The rating after each of the last rated races, oldest on the left. */
function ratingChart(box: HTMLElement, races: RatingHistoryResponse, self: boolean): void {
  if (races.length === 0) {
    fill(box, ...noRatedRaces(self));
    return;
  }
  const drawing = h("div", {
    class: "wpm-chart-box",
    role: "img",
    "aria-labelledby": "rating-chart-title rating-chart-summary",
  });
  const ratings = races.map((race) => race.ratingAfter);
  const summary = h(
    "figcaption",
    { id: "rating-chart-summary", class: "muted", "data-races": races.length },
    `${races.length} rated ${races.length === 1 ? "race" : "races"}, from ${ratings[0]} to ${ratings.at(-1)}; highest ${Math.max(...ratings)}.`,
  );
  fill(box, drawing, summary);
  drawRatingOverRaces(drawing, ratings);
}

/** The chart: a line through each race's wpm, oldest on the left, with a dot per race. */
function wpmChart(box: HTMLElement, races: GraphResponse): void {
  if (races.length === 0) {
    fill(box, h("p", { class: "muted" }, "No races yet: finish one and it shows up here."));
    return;
  }
  const drawing = h("div", {
    class: "wpm-chart-box",
    role: "img",
    "aria-labelledby": "chart-title chart-summary",
  });
  const wpms = races.map((race) => race.wpm);
  const summary = h(
    "figcaption",
    { id: "chart-summary", class: "muted", "data-races": races.length },
    `${races.length} ${races.length === 1 ? "race" : "races"}, from ${figure(wpms[0]!)} to ${figure(wpms.at(-1)!)} wpm; best ${figure(Math.max(...wpms))}.`,
  );
  fill(box, drawing, summary);
  drawWpmOverRaces(drawing, wpms);
}

function historyTable(page: HistoryResponse, show: (page: number) => void): HTMLElement[] {
  if (page.total === 0) return [h("p", { class: "muted" }, "No races yet.")];
  const pages = Math.max(1, Math.ceil(page.total / page.size));
  const previous = h("button", { type: "button", disabled: !page.hasPrev }, "Newer");
  const next = h("button", { type: "button", disabled: !page.hasNext }, "Older");
  previous.addEventListener("click", () => show(page.page - 1));
  next.addEventListener("click", () => show(page.page + 1));
  return [
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "history-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "When"),
            h("th", { scope: "col" }, "Place"),
            h("th", { scope: "col" }, "WPM"),
            h("th", { scope: "col" }, "Raw"),
            h("th", { scope: "col" }, "Acc"),
            h("th", { scope: "col" }, "Acc raw"),
            h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Replay")),
          ),
        ),
        h(
          "tbody",
          {},
          ...page.data.map((race) => {
            // A race not finished, or one the fair-play check flagged, is listed but counts for nothing.
            const place =
              race.rank === null ? "did not finish" : `${ordinal(race.rank)} of ${race.playerCount}`;
            return h(
              "tr",
              { class: race.rank === null ? "dnf" : race.flagged ? "flagged" : undefined },
              h("td", {}, link({ screen: "results", gameId: race.gameId }, when(race.playedAt))),
              h(
                "td",
                {},
                place,
                race.flagged
                  ? h(
                      "span",
                      {
                        class: "flag",
                        title: "Flagged by the fair-play check: counts for no average, best or board",
                      },
                      " flagged",
                    )
                  : null,
              ),
              h("td", {}, figure(race.wpm)),
              h("td", {}, figure(race.wpmRaw)),
              h("td", {}, percent(race.acc)),
              h("td", {}, percent(race.accRaw)),
              h(
                "td",
                {},
                link({ screen: "replay", gameId: race.gameId }, "Replay", { class: "replay-link" }),
              ),
            );
          }),
        ),
      ),
    ),
    h(
      "nav",
      { class: "pager", "aria-label": "History pages" },
      previous,
      h("span", {}, `Page ${page.page} of ${pages}`),
      next,
    ),
  ];
}
