/**
 * A private room: its invite link (with Copy), who is in it and who hosts it, the settings (the
 * host's to change), Start for the host, and the last race's results. A race started by the host
 * takes everyone to it (src/party.ts); its results offer "Race again", which is this room's Start.
 */
import {
  PRIVATE_ROOM_PLAYERS,
  type PrivateStateShape,
  RACE_LENGTHS,
  type RaceLength,
} from "../../../src/protocol.ts";
import { type App, heading, link, type Screen } from "../app.ts";
import { fill, h, setText } from "../dom.ts";
import { rememberLength } from "../memory.ts";
import { JoinFailure } from "../rooms.ts";
import { hashOf } from "../routes.ts";

/** The link that brings a friend into the room. */
const inviteLink = (code: string) => `${location.origin}/${hashOf({ screen: "join", code })}`;

export function roomScreen(app: App, code: string): Screen {
  const status = h("p", { class: "room-status", id: "room-status", role: "status" }, "Joining the room…");
  const link_ = h("input", {
    id: "invite-link",
    class: "invite-link",
    readonly: true,
    value: inviteLink(code),
  });
  const copy = h("button", { type: "button", id: "copy-link" }, "Copy link");
  const copied = h("span", { class: "hint", role: "status" });
  const players = h("ul", {
    class: "lobby-players",
    id: "room-players",
    "aria-label": "Players in the room",
  });
  const words = h(
    "select",
    { id: "room-words", "aria-label": "Race length" },
    ...RACE_LENGTHS.map((length) => h("option", { value: length }, `${length} words`)),
  );
  const maxPlayers = h(
    "select",
    { id: "room-max-players", "aria-label": "Players at most" },
    ...Array.from({ length: PRIVATE_ROOM_PLAYERS.max - PRIVATE_ROOM_PLAYERS.min + 1 }, (_, i) => {
      const count = PRIVATE_ROOM_PLAYERS.min + i;
      return h("option", { value: count }, `${count} players`);
    }),
  );
  const start = h("button", { type: "button", class: "primary big", id: "start-race" }, "Start race");
  const lastRace = h("p", { class: "last-race", id: "last-race" });
  const ghostLine = h("p", { class: "room-ghost", id: "room-ghost", hidden: true });
  const noGhost = h("button", { type: "button", class: "quiet", id: "no-ghost" }, "Race without the ghost");
  const leave = h("button", { type: "button", class: "quiet", id: "leave-room" }, "Leave room");
  const element = h(
    "section",
    { class: "room" },
    heading("Race friends"),
    h(
      "div",
      { class: "invite" },
      h("label", { for: "invite-link" }, "Invite link"),
      h("div", { class: "invite-row" }, link_, copy),
      copied,
    ),
    h(
      "p",
      { class: "hint" },
      "Anyone with the link can join. Code: ",
      h("strong", { id: "room-code" }, code),
    ),
    players,
    h(
      "div",
      { class: "settings" },
      h("label", { for: "room-words" }, "Length"),
      words,
      h("label", { for: "room-max-players" }, "Room for"),
      maxPlayers,
    ),
    ghostLine,
    status,
    h("div", { class: "actions" }, start, leave),
    lastRace,
  );

  let disposed = false;
  let stopWatching: (() => void) | undefined;

  const render = (state: PrivateStateShape) => {
    const me = app.sessions.user?.id;
    const host = state.players.get(state.hostId);
    const hosting = state.hostId === me;
    const items: HTMLElement[] = [];
    state.players.forEach((player) => {
      items.push(
        h(
          "li",
          { class: player.id === me ? "me" : undefined },
          player.name,
          player.id === state.hostId ? h("span", { class: "badge" }, "host") : null,
          player.id === me ? " (you)" : "",
        ),
      );
    });
    fill(players, ...items);
    words.value = String(state.words);
    maxPlayers.value = String(state.maxPlayers);
    words.disabled = !hosting;
    maxPlayers.disabled = !hosting;
    start.hidden = !hosting;
    start.disabled = state.status === "racing";
    setText(start, state.players.size === 1 ? "Start practice" : "Start race");
    setText(
      status,
      state.status === "racing"
        ? "A race is on. You will race the next one."
        : hosting
          ? state.players.size === 1
            ? "Send the link to your friends, or start a practice race alone."
            : `${state.players.size} of ${state.maxPlayers} players. Start when everyone is here.`
          : `Waiting for ${host?.name ?? "the host"} to start the race.`,
    );
    ghostLine.hidden = !state.ghost;
    if (state.ghost) {
      fill(
        ghostLine,
        `Against the ghost of ${state.ghost.name} (${Math.round(state.ghost.wpm)} wpm), on its ${state.ghost.words}-word text. `,
        hosting ? noGhost : null,
      );
    }
    if (state.lastGameId) {
      fill(lastRace, "Last race: ", link({ screen: "results", gameId: state.lastGameId }, "see the results"));
    } else fill(lastRace);
  };

  copy.addEventListener("click", async () => {
    link_.select();
    try {
      await navigator.clipboard.writeText(link_.value);
      setText(copied, "Copied.");
    } catch {
      // No clipboard (plain http, or refused): the link is selected for the player to copy.
      setText(copied, "Press Ctrl+C (⌘C) to copy the selected link.");
    }
  });
  words.addEventListener("change", () => {
    const length = Number(words.value) as RaceLength;
    rememberLength(length);
    app.party.settings({ words: length });
  });
  noGhost.addEventListener("click", () => app.party.settings({ ghost: null }));
  maxPlayers.addEventListener("change", () => app.party.settings({ maxPlayers: Number(maxPlayers.value) }));
  start.addEventListener("click", () => {
    start.disabled = true;
    app.party.start();
  });
  leave.addEventListener("click", () => {
    app.party.leave();
    app.navigate({ screen: "home" });
  });

  (async () => {
    try {
      await app.party.join(code);
    } catch (error) {
      if (disposed) return;
      if (error instanceof JoinFailure && error.kind === "unreachable") return app.unreachable();
      const notice =
        error instanceof JoinFailure && error.kind === "gone"
          ? "No room with this code."
          : (error as Error).message;
      app.navigate({ screen: "home" }, { notice, replace: true });
      return;
    }
    if (disposed) return;
    stopWatching = app.party.watch(render);
    if (app.party.state) render(app.party.state);
  })();

  return {
    element,
    title: "Race friends",
    dispose() {
      disposed = true;
      stopWatching?.();
    },
  };
}
