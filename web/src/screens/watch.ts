/**
 * Watch: the public races on now, each with its players' progress, refreshed every few seconds;
 * picking one watches it live (`#/watch/<gameId>`).
 */
import type { LiveRacesResponse } from "../../../src/api/contracts/games.ts";
import { secondsUntil } from "../../../src/protocol.ts";
import { api, Unreachable } from "../api.ts";
import { type App, heading, link, type Screen } from "../app.ts";
import { fill, h } from "../dom.ts";
import { apiErrorText } from "../words.ts";

const REFRESH_MS = 2_000;

export function watchScreen(app: App): Screen {
  const list = h("ul", { class: "live-races", id: "live-races", "aria-live": "polite" });
  const status = h("p", { class: "hint", id: "live-status" }, "Looking for races…");
  const element = h(
    "section",
    { class: "watch" },
    heading("Watch a race"),
    h("p", { class: "lead" }, "Public races on now. Pick one to watch it live."),
    status,
    list,
  );

  let disposed = false;
  let timer: number | undefined;

  const render = (races: LiveRacesResponse) => {
    if (races.length === 0) {
      fill(list);
      fill(status, "No public races right now. ", link({ screen: "home" }, "Start one yourself"), ".");
      return;
    }
    fill(status, `${races.length} ${races.length === 1 ? "race" : "races"} on now.`);
    const now = Date.now();
    fill(
      list,
      ...races.map((race) => {
        const when =
          race.status === "countdown"
            ? `starts in ${secondsUntil(Date.parse(race.startsAt), now)} s`
            : "racing";
        return h(
          "li",
          {},
          h(
            "a",
            { href: `#/watch/${race.gameId}`, class: "live-race", "data-game": race.gameId },
            h("span", { class: "live-race-title" }, `${race.words} words · ${when}`),
            h("span", { class: "hint" }, race.spectators > 0 ? ` · ${race.spectators} watching` : ""),
            h(
              "span",
              { class: "live-race-players" },
              race.players
                .map((player) => {
                  const done = Math.round((100 * player.wordIndex) / race.words);
                  return player.finished ? `${player.name} (finished)` : `${player.name} ${done}%`;
                })
                .join(", "),
            ),
          ),
        );
      }),
    );
  };

  const refresh = async () => {
    try {
      const answer = await api<LiveRacesResponse>("/api/v1/games/live");
      if (disposed) return;
      if (answer.ok) render(answer.data);
      else fill(status, apiErrorText(answer.error?.code, answer.error?.message));
    } catch (error) {
      if (disposed) return;
      if (error instanceof Unreachable) return app.unreachable();
      throw error;
    }
    timer = window.setTimeout(refresh, REFRESH_MS);
  };
  refresh();

  return {
    element,
    title: "Watch",
    dispose() {
      disposed = true;
      window.clearTimeout(timer);
    },
  };
}
