/**
 * A race's own charts, under its results and its replay: for the chosen player (default: you), their
 * net wpm, raw wpm and errors second by second with the other players' net wpm faint behind, the
 * speed of each word with the slowest marked, and the characters they missed most. All of it from
 * the race's replay (`GET /api/v1/games/:gameId/replay`), played through the typing engine
 * (src/game/raceCharts.ts).
 */
import type { ReplayResponse } from "../../src/api/contracts/games.ts";
import { missedCharactersOf, type Timeline, timelineOf, wordSpeedsOf } from "../../src/game/raceCharts.ts";
import { api, failedForNow, readAgainAfterMs, Unreachable } from "./api.ts";
import { type App, link } from "./app.ts";
import { fill, h } from "./dom.ts";
import { drawTimeline } from "./raceChart.ts";
import { playersOf, type ReplayPlayer, slowestWords } from "./replayData.ts";
import { figure } from "./words.ts";

/** How many of the slowest words are marked. */
const SLOWEST = 3;
const MISSED_SHOWN = 5;

export interface RaceAnalysis {
  element: HTMLElement;
  /** Shows the charts of `replay` for `userId`'s race (default: the first player's). */
  show(replay: ReplayResponse, userId?: string): void;
  /** Another player's charts (the replay shows theirs too). */
  choose(userId: string): void;
}

export function raceAnalysis(onChoose: (userId: string) => void = () => {}): RaceAnalysis {
  const picker = h("div", { class: "segments", role: "group", "aria-label": "Whose race" });
  const chart = h("div", { class: "race-chart-box", role: "img", "aria-labelledby": "race-chart-summary" });
  const summary = h("figcaption", { id: "race-chart-summary", class: "muted" });
  const speeds = h("ol", { class: "word-speeds", id: "word-speeds", "aria-label": "Speed of each word" });
  const slowest = h("p", { id: "slowest-words" });
  const missed = h("p", { id: "missed-characters" });
  const element = h(
    "section",
    { class: "race-analysis", id: "race-analysis", "aria-labelledby": "analysis-title" },
    h("div", { class: "chart-head" }, h("h2", { id: "analysis-title" }, "Second by second"), picker),
    h("figure", { class: "chart", id: "race-chart" }, chart, summary),
    h("h3", {}, "Word by word"),
    slowest,
    speeds,
    h("h3", {}, "Most missed"),
    missed,
  );

  let words: string[] = [];
  let players: ReplayPlayer[] = [];
  const timelines = new Map<string, Timeline>();
  const timelineOfPlayer = (player: ReplayPlayer) => {
    let timeline = timelines.get(player.userId);
    if (!timeline) {
      timeline = timelineOf(words, player.keys);
      timelines.set(player.userId, timeline);
    }
    return timeline;
  };

  const choose = (userId: string) => {
    const chosen = players.find((player) => player.userId === userId) ?? players[0];
    if (!chosen) return;
    for (const button of picker.children) {
      button.setAttribute("aria-pressed", String((button as HTMLElement).dataset.user === chosen.userId));
    }
    const timeline = timelineOfPlayer(chosen);
    const others = players
      .filter((player) => player !== chosen)
      .map((player) => ({ name: player.name, timeline: timelineOfPlayer(player) }));
    drawTimeline(chart, { name: chosen.name, timeline }, others);
    const errors = timeline.errors.reduce((sum, count) => sum + count, 0);
    summary.textContent =
      timeline.seconds.length === 0
        ? `${chosen.name} typed nothing.`
        : `${chosen.name}: ${figure(timeline.wpm.at(-1)!)} wpm at ${figure(timeline.seconds.at(-1)!)} s, ` +
          `raw ${figure(timeline.raw.at(-1)!)}, ${errors} ${errors === 1 ? "error" : "errors"}.`;

    const wordSpeeds = wordSpeedsOf(words, chosen.keys);
    const marked = slowestWords(wordSpeeds, SLOWEST);
    fill(
      speeds,
      ...wordSpeeds.map((speed) =>
        h(
          "li",
          { class: marked.has(speed.index) ? "slowest" : undefined, title: `${figure(speed.ms / 1000)} s` },
          h("span", { class: "word" }, speed.word),
          h("span", { class: "wpm" }, figure(speed.wpm)),
        ),
      ),
    );
    const slow = wordSpeeds.filter((speed) => marked.has(speed.index)).sort((a, b) => a.wpm - b.wpm);
    slowest.textContent = slow.length
      ? `Slowest: ${slow.map((speed) => `${speed.word} (${figure(speed.wpm)} wpm)`).join(", ")}.`
      : "No word passed.";
    const misses = missedCharactersOf(words, chosen.keys).slice(0, MISSED_SHOWN);
    fill(
      missed,
      ...(misses.length
        ? misses.flatMap(({ char, misses: count }, i) => [
            i > 0 ? ", " : "",
            h("kbd", {}, char === " " ? "space" : char),
            ` ${count}×`,
          ])
        : ["Nothing missed."]),
    );
    onChoose(chosen.userId);
  };

  return {
    element,
    show(replay, userId) {
      words = replay.words;
      players = playersOf(replay);
      timelines.clear();
      fill(
        picker,
        ...players.map((player) => {
          const button = h(
            "button",
            { type: "button", class: "segment", "data-user": player.userId, "aria-pressed": "false" },
            player.name,
          );
          button.addEventListener("click", () => choose(player.userId));
          return button;
        }),
      );
      element.hidden = false;
      choose(userId ?? players[0]?.userId ?? "");
    },
    choose,
  };
}

/**
 * The charts under a race's results, once the race's end is stored (its replay exists from then):
 * the player's own race first, and a link to its replay. Hidden until then, and while the server
 * cannot answer: the results above stay, and the charts come when it answers again.
 */
export function resultsAnalysis(
  app: App,
  gameId: string,
): { element: HTMLElement; load(): void; dispose(): void } {
  const analysis = raceAnalysis();
  const replayLink = link({ screen: "replay", gameId }, "Watch the replay", {
    class: "button",
    id: "replay-link",
  });
  const element = h("div", { class: "results-analysis", hidden: true }, analysis.element, replayLink);
  let asked = false;
  let failures = 0;
  let readAgain: number | undefined;
  let disposed = false;

  const read = async (): Promise<void> => {
    let forNow: boolean;
    try {
      const answer = await api<ReplayResponse>(`/api/v1/games/${gameId}/replay`);
      if (answer.ok) {
        element.hidden = false;
        analysis.show(answer.data, app.sessions.user?.id);
        return;
      }
      forNow = failedForNow(answer.status);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      forNow = true;
    }
    if (forNow && !disposed) readAgain = window.setTimeout(read, readAgainAfterMs(++failures));
  };

  return {
    element,
    load() {
      if (asked) return;
      asked = true;
      read();
    },
    dispose() {
      disposed = true;
      window.clearTimeout(readAgain);
    },
  };
}
