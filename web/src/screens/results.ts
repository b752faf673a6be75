/**
 * Results: the player's own figures (with a personal-best badge) and the race's ranking — wpm, raw,
 * acc, acc raw, and each rated player's change of rating ("+14", "−6"; nothing for the unrated) —
 * from `GET /api/v1/games/:gameId/result`, plus, while the race still runs, the players still
 * typing as the live race state shows them. A rated race's ratings are written after its results:
 * the race room's `rating` message shows the player's own at once and reads the ranking again for
 * everyone's. "Race again" queues into a new lobby.
 * A race whose server died says so (`abandoned`). Once the page has something to show, a failed
 * read of the ranking is a line under it, never the full-screen "can't reach the server".
 */
import type { ResultResponse } from "../../../src/api/contracts/games.ts";
import type { FinishedMessage, RaceStateShape, RaceStatus, RatingMessage } from "../../../src/protocol.ts";
import { api, failedForNow, readAgainAfterMs, Unreachable } from "../api.ts";
import { type App, heading, link, type Screen } from "../app.ts";
import { fill, h } from "../dom.ts";
import { rememberedRace } from "../memory.ts";
import { resultsAnalysis } from "../raceAnalysis.ts";
import { hashOf } from "../routes.ts";
import { apiErrorText, distinctNames, figure, ordinal, percent, ratingChange, seconds } from "../words.ts";
import { keepRaceLink } from "./signIn.ts";

/** While a race is still on and its room is not at hand, the ranking is read again this often. */
const STILL_ON_POLL_MS = 5_000;
/** Its room says it is over but its end is not stored yet (a loaded database): read again this soon. */
const ENDING_POLL_MS = 1_000;
const RETRYING_TEXT = "The ranking cannot be read just now: the page tries again by itself.";

/** The player's own figures: from the `finished` message, or from the stored ranking (history). */
type OwnResult = Omit<FinishedMessage, "gameId" | "durationMs"> & { durationMs?: number };

export interface ResultsPanel {
  element: HTMLElement;
  /** the button that should take focus when the panel appears */
  raceAgain: HTMLButtonElement;
  /** Shows the player's own result (from the race's `finished` message). */
  showOwn(finished: OwnResult): void;
  /** Re-reads the ranking (someone finished, or the race ended). */
  refresh(): void;
  /** Shows the player's own new rating (the race room's `rating` message), and reads everyone's. */
  showRating(rating: RatingMessage): void;
  /** Shows the live race's latest state (who is still typing) without asking the server. */
  update(): void;
  /** Stops reading the ranking again. */
  dispose(): void;
}

interface RankingRow {
  userId: string;
  name: string;
  rank: number | null;
  wpm?: number;
  wpmRaw?: number;
  acc?: number;
  accRaw?: number;
  /** still typing (live races only) */
  racing?: boolean;
  /** a ghost racer (live races only): no player, no profile */
  ghost?: boolean;
  /** the rating before and after a rated race; null or missing for the unrated (or not yet rated) */
  ratingBefore?: number | null;
  ratingAfter?: number | null;
}

export function resultsPanel(
  app: App,
  gameId: string,
  live?: () => RaceStateShape | undefined,
): ResultsPanel {
  const own = h("div", { class: "own-result", hidden: true });
  const caption = h("caption", {}, "Ranking");
  const body = h("tbody");
  const table = h(
    "table",
    { class: "ranking", id: "ranking" },
    caption,
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Place"),
        h("th", { scope: "col" }, "Player"),
        h("th", { scope: "col" }, "WPM"),
        // Beside the wpm, so that a phone shows it without scrolling the table.
        h("th", { scope: "col", title: "Change of rating (rated races only)" }, "Rating"),
        h("th", { scope: "col" }, "Raw"),
        h("th", { scope: "col" }, "Acc"),
        h("th", { scope: "col" }, "Acc raw"),
      ),
    ),
    body,
  );
  const status = h("p", { class: "ranking-status", role: "status" });
  const raceAgain = h("button", { type: "button", class: "primary", id: "race-again" }, "Race again");
  // A private room's race: Race again is the room's host starting the next one, for everyone.
  const partyOfRace = () => {
    const mode = live?.()?.mode ?? stored?.mode;
    return mode === "private" ? app.party.room : undefined;
  };
  raceAgain.addEventListener("click", () => {
    if (partyOfRace()) {
      raceAgain.disabled = true;
      app.party.start();
    } else app.navigate({ screen: "lobby" });
  });
  const backToRoom = h("a", { class: "button", id: "back-to-room", hidden: true }, "Back to the room");
  // The race's own charts, once it is over.
  const analysis = resultsAnalysis(app, gameId);
  const ownRating = h("p", { class: "own-rating", id: "own-rating", hidden: true });
  const element = h(
    "section",
    { class: "results", "aria-label": "Results" },
    own,
    ownRating,
    h("div", { class: "table-scroll" }, table),
    status,
    analysis.element,
    h(
      "div",
      { class: "actions" },
      raceAgain,
      backToRoom,
      link({ screen: "profile" }, "Your profile", { class: "button" }),
      keepRaceLink(app),
    ),
  );

  let stored: ResultResponse | undefined;
  /** The race finished and its end is stored (an abandoned race has an end too, and no replay). */
  const endStored = () => stored?.status === "finished" && stored.endedAt !== null;
  let reading = false;
  let again = false;
  let failure: string | undefined;
  /** failed reads in a row that are worth trying again */
  let failedReads = 0;
  let pollTimer: number | undefined;
  let disposed = false;
  let ownShown = false;
  /** the player's own rating from the race room, until the stored ranking has it */
  let liveRating: RatingMessage | undefined;

  const render = () => {
    // A race room joined a moment ago has no state yet.
    const joined = live?.();
    const state = joined?.players ? joined : undefined;
    const rows: RankingRow[] = (stored?.ranking ?? []).map((entry) => ({ ...entry }));
    // Players the live state knows more about than the stored results (they finished a moment
    // ago, or are still typing).
    state?.players.forEach((player) => {
      if (rows.some((row) => row.userId === player.id)) return;
      rows.push(
        player.finished
          ? {
              userId: player.id,
              name: player.name,
              rank: player.rank,
              wpm: player.wpm,
              acc: player.acc,
              ghost: player.ghost,
            }
          : {
              userId: player.id,
              name: player.name,
              rank: null,
              racing: state.status !== "finished",
              ghost: player.ghost,
            },
      );
    });
    rows.sort(byPlace);
    const me = app.sessions.user?.id;
    const myRow = rows.find((row) => row.userId === me);
    if (myRow && liveRating && myRow.ratingAfter == null) {
      myRow.ratingBefore = liveRating.ratingBefore;
      myRow.ratingAfter = liveRating.ratingAfter;
    }
    const names = distinctNames(rows.map((row) => ({ id: row.userId, name: row.name })));
    fill(
      body,
      ...rows.map((row) =>
        h(
          "tr",
          { class: row.userId === me ? "me" : undefined },
          h("td", {}, row.rank ? ordinal(row.rank) : row.racing ? "…" : "DNF"),
          h(
            "th",
            { scope: "row" },
            row.ghost
              ? names.get(row.userId)!
              : link({ screen: "user", userId: row.userId }, names.get(row.userId)!),
          ),
          ...(row.racing
            ? [h("td", { colspan: 5, class: "muted" }, "still typing")]
            : [
                h("td", {}, row.wpm === undefined ? "—" : figure(row.wpm)),
                ratingCell(row),
                h("td", {}, row.wpmRaw === undefined ? "—" : figure(row.wpmRaw)),
                h("td", {}, row.acc === undefined ? "—" : percent(row.acc)),
                h("td", {}, row.accRaw === undefined ? "—" : percent(row.accRaw)),
              ]),
        ),
      ),
    );
    if (myRow?.ratingBefore != null && myRow.ratingAfter != null) {
      fill(
        ownRating,
        "Rating ",
        h("strong", {}, String(myRow.ratingAfter)),
        ` (${ratingChange(myRow.ratingBefore, myRow.ratingAfter)}, from ${myRow.ratingBefore})`,
      );
      ownRating.hidden = false;
    } else {
      const why = myRow && unratedReason(live?.()?.mode ?? stored?.mode, stored, rows);
      if (why) fill(ownRating, why);
      ownRating.hidden = !why;
    }
    const raceStatus: RaceStatus | undefined = state?.status ?? stored?.status;
    const abandoned = raceStatus === "abandoned";
    element.classList.toggle("abandoned", abandoned);
    const party = partyOfRace() && app.party.state;
    backToRoom.hidden = !party;
    if (party) {
      backToRoom.setAttribute("href", hashOf({ screen: "room", code: party.code }));
      const host = party.players.get(party.hostId);
      const hosting = party.hostId === app.sessions.user?.id;
      raceAgain.disabled = !hosting || party.status === "racing";
      raceAgain.textContent = hosting
        ? "Race again"
        : `Waiting for ${host?.name ?? "the host"} to start again`;
    } else {
      raceAgain.disabled = false;
      raceAgain.textContent = abandoned ? "Find a new race" : "Race again";
    }
    status.textContent =
      failure ??
      (abandoned
        ? "This race was interrupted by a server problem. Results saved before it stay; nobody else is ranked."
        : raceStatus === "finished"
          ? ""
          : "The race is still on: the ranking fills in as players finish.");
    // The replay exists once the race's end is stored, not when its room says it is over.
    if (endStored()) analysis.load();
    const mine = stored?.ranking.find((entry) => entry.userId === me);
    if (!ownShown && !state && mine?.rank) {
      // Opened from the history: the player's own figures come from the stored ranking.
      showOwn({ ...mine, rank: mine.rank });
    }
    if (!ownShown && mine && mine.rank === null && raceStatus === "finished") showDidNotFinish(mine, state);
    // The `finished` message says "no" when its result could not be stored at once (a slow
    // database): whether it is a best is known once it is, and the stored ranking says so then.
    if (mine?.isPersonalBest && !own.querySelector("#personal-best")) {
      own.querySelector(".place")?.append(personalBestBadge());
    }
    if (mine?.flagged && !own.querySelector(".flag-note")) {
      own.append(
        h(
          "p",
          { class: "flag-note" },
          "The fair-play check flagged this race: its place stands, but it counts for no win, best or average.",
        ),
      );
    }
  };

  /** What a player who did not finish typed, scored over the time they typed. */
  const showDidNotFinish = (mine: ResultResponse["ranking"][number], state: RaceStateShape | undefined) => {
    ownShown = true;
    const words = stored?.words.length ?? 0;
    const reached = state?.players.get(mine.userId)?.wordIndex;
    fill(
      own,
      h("p", { class: "place", id: "did-not-finish" }, "You did not finish"),
      h(
        "p",
        { class: "muted" },
        reached === undefined
          ? "Scored over the time you typed, from your first key to your last."
          : `You got through ${reached} of ${words} words. Scored over the time you typed, from your first key to your last.`,
      ),
      h(
        "dl",
        { class: "figures" },
        figureItem("WPM", figure(mine.wpm), "big"),
        figureItem("Raw", figure(mine.wpmRaw)),
        figureItem("Acc", percent(mine.acc)),
        figureItem("Acc raw", percent(mine.accRaw)),
        figureItem("Typed for", seconds(mine.durationMs)),
      ),
    );
    own.hidden = false;
  };

  const showOwn = (finished: OwnResult) => {
    ownShown = true;
    fill(
      own,
      h(
        "p",
        { class: "place" },
        `You finished ${ordinal(finished.rank)}`,
        finished.isPersonalBest ? personalBestBadge() : null,
      ),
      h(
        "dl",
        { class: "figures" },
        figureItem("WPM", figure(finished.wpm), "big"),
        figureItem("Raw", figure(finished.wpmRaw)),
        figureItem("Acc", percent(finished.acc)),
        figureItem("Acc raw", percent(finished.accRaw)),
        finished.durationMs === undefined ? null : figureItem("Time", seconds(finished.durationMs)),
      ),
    );
    own.hidden = false;
  };

  /**
   * A race still on: read again until its end is stored, when this page does not have its room, or
   * when the room says it is over (the ranking of those who did not finish, and the replay, come
   * with the stored end).
   */
  const pollWhileOn = () => {
    window.clearTimeout(pollTimer);
    pollTimer = undefined;
    if (disposed) return;
    if (failedReads > 0) {
      pollTimer = window.setTimeout(() => refresh(), readAgainAfterMs(failedReads));
      return;
    }
    const on = stored?.status === "countdown" || stored?.status === "racing";
    const ending = stored?.status === "finished" && !endStored();
    const room = live?.();
    if (!(on || ending)) return;
    if (ending || room?.status === "finished") pollTimer = window.setTimeout(() => refresh(), ENDING_POLL_MS);
    else if (!room) pollTimer = window.setTimeout(() => refresh(), STILL_ON_POLL_MS);
  };

  const refresh = async () => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      const answer = await api<ResultResponse>(`/api/v1/games/${gameId}/result`);
      // The server's trouble passes (a database away, a restart): the page reads again by itself.
      const passing = !answer.ok && failedForNow(answer.status);
      failedReads = passing ? failedReads + 1 : 0;
      failure = answer.ok
        ? undefined
        : passing
          ? RETRYING_TEXT
          : apiErrorText(answer.error?.code, answer.error?.message);
      if (answer.ok) stored = answer.data;
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      // What the page already shows stays: the race's own state, or the ranking read before.
      if (!stored && !live?.()) return app.unreachable();
      failure = "The server cannot be reached just now: the ranking may be missing the latest results.";
      failedReads++;
    } finally {
      reading = false;
    }
    if (disposed) return;
    render();
    pollWhileOn();
    if (again) {
      again = false;
      refresh();
    }
  };

  // The room's host, and whether its next race is on, change what Race again does.
  const stopWatchingParty = app.party.watch(() => render());

  return {
    element,
    raceAgain,
    showOwn,
    refresh() {
      render();
      refresh();
    },
    showRating(rating) {
      liveRating = rating;
      render();
      refresh();
    },
    update: render,
    dispose() {
      disposed = true;
      window.clearTimeout(pollTimer);
      analysis.dispose();
      stopWatchingParty();
    },
  };
}

/**
 * Why the player's result shows no rating change, in a line; none while it may still come. A race's
 * end is stored (`endedAt`) in the transaction that rates it, so a stored end without the player's
 * rating means it was not rated (src/game/rating.ts).
 */
function unratedReason(
  mode: string | undefined,
  stored: ResultResponse | undefined,
  rows: RankingRow[],
): string | undefined {
  if (mode === "private") return "Private races are not rated.";
  if (stored?.status === "abandoned") return undefined;
  if (stored?.endedAt == null) return "Your rating changes when the race is over.";
  if (rows.some((row) => row.ratingAfter != null))
    return "Your result is not rated: no key typed, or flagged.";
  return "Not rated: a race is rated when two players typed and one of them finished.";
}

/** A rated player's change ("+14", "−6", the ratings in its title); empty for the unrated. */
function ratingCell({ ratingBefore, ratingAfter }: RankingRow): HTMLElement {
  if (ratingBefore == null || ratingAfter == null) return h("td", { class: "rating-change" });
  const change = ratingAfter - ratingBefore;
  return h(
    "td",
    {
      class: `rating-change ${change > 0 ? "up" : change < 0 ? "down" : ""}`.trim(),
      title: `${ratingBefore} → ${ratingAfter}`,
    },
    ratingChange(ratingBefore, ratingAfter),
  );
}

const figureItem = (term: string, value: string, className?: string) =>
  h("div", { class: className }, h("dt", {}, term), h("dd", {}, value));

/** Finishers by place, then those still typing, then those who did not finish, fastest first. */
function byPlace(a: RankingRow, b: RankingRow): number {
  if (a.rank && b.rank) return a.rank - b.rank;
  if (a.rank || b.rank) return a.rank ? -1 : 1;
  if (a.racing !== b.racing) return a.racing ? -1 : 1;
  return (b.wpm ?? 0) - (a.wpm ?? 0);
}

/** `#/results/<gameId>`: the results of a race that is over (or from the history). */
export function resultsScreen(app: App, gameId: string): Screen {
  const panel = resultsPanel(app, gameId);
  const finished = rememberedRace(gameId)?.finished;
  if (finished) panel.showOwn(finished);
  panel.refresh();
  const element = h("section", { class: "results-screen" }, heading("Results"), panel.element);
  return { element, title: "Results", dispose: () => panel.dispose() };
}

const personalBestBadge = () => h("span", { class: "badge", id: "personal-best" }, "New personal best");
