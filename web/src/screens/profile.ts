/**
 * Profile: a player's statistics, their wpm over the last 10 / 100 / 500 / 1000 races (an SVG
 * chart), and their race history page by page. `#/profile` is the signed-in player's own,
 * `#/users/<id>` anyone's.
 */

import type {
  GraphResponse,
  HistoryResponse,
  StatisticsResponse,
} from "../../../src/api/contracts/profile.ts";
import { Unreachable } from "../api.ts";
import { type App, heading, link, type Screen } from "../app.ts";
import { type ChartBox, chartGeometry } from "../chart.ts";
import { fill, h, svg } from "../dom.ts";
import { GRAPH_SIZES, graph, history, type ProfileOwner, publicUser, statistics } from "../profileApi.ts";
import { apiErrorText, duration, figure, ordinal, percent, when } from "../words.ts";

/** The chart's margins; its width is the page's, so that its text keeps its size on phones. */
const CHART: ChartBox = { width: 640, height: 240, left: 40, right: 12, top: 12, bottom: 28 };

export function profileScreen(app: App, userId?: string): Screen {
  const self = userId === undefined || userId === app.sessions.user?.id;
  const owner: ProfileOwner = self ? { self: true } : { self: false, userId: userId! };
  const title = heading(self ? "Your profile" : "Player profile");
  const statsBox = h("dl", { class: "stats", id: "statistics" }, h("div", {}, h("dt", {}, "Loading…")));
  const chartBox = h("figure", { class: "chart", id: "wpm-chart" });
  const sizeButtons = GRAPH_SIZES.map((size) =>
    h(
      "button",
      { type: "button", class: "segment", "aria-pressed": size === 10 ? "true" : "false" },
      String(size),
    ),
  );
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
  };

  const loadChart = async (last: number) => {
    for (const button of sizeButtons) {
      button.setAttribute("aria-pressed", String(button.textContent === String(last)));
    }
    const answer = await graph(app.sessions, owner, last);
    if (disposed) return;
    if (!answer.ok) throw new Error(apiErrorText(answer.error?.code, answer.error?.message));
    fill(chartBox, ...wpmChart(answer.data, chartBox.clientWidth));
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

  if (!self) {
    publicUser(app.sessions, userId!)
      .then((answer) => {
        if (answer.ok && !disposed) title.textContent = answer.data.user.name;
      })
      .catch(() => {});
  }
  loadStatistics().catch((e) => failed(statsBox, e));
  loadChart(10).catch((e) => failed(chartBox, e));
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
    item("Races", String(stats.totalGames), "stat-races"),
    item("Best", counted ? `${figure(stats.wpmBest)} wpm · ${percent(stats.accOfBest)}` : "—", "stat-best"),
    item("Last 10 finished", counted ? `${figure(stats.wpmAvg10)} wpm · ${percent(stats.accAvg10)}` : "—"),
    item("Average", counted ? `${figure(stats.wpmAvgAll)} wpm · ${percent(stats.accAvgAll)}` : "—"),
    item("Races won (of 2 or more)", String(stats.racesWon), "stat-won"),
    item("Time typing", duration(stats.timeTypingSeconds)),
  ];
}

/** The chart as SVG: a line through each race's wpm, oldest on the left, with a dot per race. */
function wpmChart(races: GraphResponse, pageWidth: number): Array<Element> {
  if (races.length === 0)
    return [h("p", { class: "muted" }, "No races yet: finish one and it shows up here.")];
  const box = { ...CHART, width: Math.max(280, pageWidth || CHART.width) };
  const geometry = chartGeometry(
    races.map((race) => race.wpm),
    box,
  );
  const { width, height, left, right, bottom } = box;
  const drawing = svg(
    "svg",
    {
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-labelledby": "chart-title chart-summary",
    },
    ...geometry.ticks.flatMap((tick) => [
      svg("line", { x1: left, x2: width - right, y1: tick.y, y2: tick.y, class: "grid" }),
      svg("text", { x: left - 6, y: tick.y + 4, class: "tick", "text-anchor": "end" }, String(tick.value)),
    ]),
    svg("text", { x: left, y: height - bottom + 18, class: "tick" }, "older"),
    svg("text", { x: width - right, y: height - bottom + 18, class: "tick", "text-anchor": "end" }, "newer"),
    svg("path", { d: geometry.line, class: "line" }),
    ...geometry.points.map((point, index) =>
      svg(
        "circle",
        { cx: point.x, cy: point.y, r: races.length > 100 ? 1.5 : 3.5, class: "dot" },
        svg("title", {}, `${figure(races[index]!.wpm)} wpm`),
      ),
    ),
  );
  const wpms = races.map((race) => race.wpm);
  const summary = h(
    "figcaption",
    { id: "chart-summary", class: "muted" },
    `${races.length} ${races.length === 1 ? "race" : "races"}, from ${figure(wpms[0]!)} to ${figure(wpms.at(-1)!)} wpm; best ${figure(Math.max(...wpms))}.`,
  );
  return [drawing, summary];
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
