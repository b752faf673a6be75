/**
 * Lobby: who is waiting (live), the countdown to the race, a Leave button. When the lobby starts
 * the race, the player takes their seat and the race screen follows. A lobby whose server shuts
 * down says `reconnect`, and matchmaking on a server shutting down answers SHUTTING_DOWN: the page
 * queues again by itself, with a growing pause, until it is seated (the server may take a while
 * to come back). A lobby that regroups (an older lobby now accepts all its players, src/game/skillMatch.ts)
 * says `reconnect` too, with the reason `regroup`: the page queues again at once, saying only that
 * it finds a fuller race.
 */
import { CloseCode } from "@colyseus/sdk";
import {
  type GameStartMessage,
  type LobbyStateShape,
  type ReconnectMessage,
  type RoomErrorMessage,
  ServerMessage,
  secondsUntil,
} from "../../../src/protocol.ts";
import { type App, heading, type Screen } from "../app.ts";
import { fill, h, setText } from "../dom.ts";
import { chosenLength, rememberedLobby, rememberLobby } from "../memory.ts";
import { JoinFailure, type LobbyRoom } from "../rooms.ts";
import { closeText, distinctNames, requeueText, roomErrorText } from "../words.ts";
import { watchConnection } from "./connection.ts";

/** Countdown values read out to screen readers (every second would be too chatty). */
const ANNOUNCED_SECONDS = new Set([10, 5, 3, 2, 1]);
/** Pauses between tries while the server restarts; the last one repeats until a lobby seats the player. */
const RESTART_RETRY_MS = [500, 1_000, 2_000, 4_000, 5_000];
const RESTARTING = requeueText("server_shutdown");

export function lobbyScreen(app: App): Screen {
  const status = h("p", { class: "lobby-status" }, "Finding a lobby…");
  const countdown = h("p", { class: "countdown", "aria-hidden": "true" });
  const seats = h("p", { class: "seats" });
  const players = h("ul", { class: "lobby-players", "aria-label": "Players in the lobby" });
  const leave = h("button", { type: "button", id: "leave-lobby" }, "Leave");
  const element = h(
    "section",
    { class: "lobby" },
    heading("Lobby"),
    status,
    countdown,
    seats,
    players,
    h("div", { class: "actions" }, leave),
  );

  let room: LobbyRoom | undefined;
  let disposed = false;
  /** the lobby is handing over to the race, or the page left on purpose: its close is expected */
  let closing = false;
  let lastAnnounced = -1;
  let known = new Map<string, string>();
  /** tries so far while the server restarts (0: it is not restarting) */
  let restartTries = 0;
  let retryTimer: number | undefined;
  const ticker = window.setInterval(() => renderCountdown(), 250);

  /** The server is going away or coming back: say so, and queue again after a pause. */
  const queueAgainSoon = () => {
    app.banner(RESTARTING);
    setText(status, RESTARTING);
    setText(countdown, "");
    setText(seats, "");
    fill(players);
    const pause = RESTART_RETRY_MS[Math.min(restartTries, RESTART_RETRY_MS.length - 1)]!;
    restartTries++;
    retryTimer = window.setTimeout(() => {
      retryTimer = undefined;
      if (!disposed) join();
    }, pause);
  };

  const renderCountdown = () => {
    if (!room?.state?.startsAt) return;
    const seconds = secondsUntil(room.state.startsAt, Date.now());
    setText(countdown, seconds > 0 ? String(seconds) : "…");
    setText(
      status,
      seconds > 0 ? `The race starts in ${seconds} s, or as soon as the lobby is full.` : "Starting…",
    );
    if (ANNOUNCED_SECONDS.has(seconds) && seconds !== lastAnnounced) {
      lastAnnounced = seconds;
      app.announce(`Race starts in ${seconds} ${seconds === 1 ? "second" : "seconds"}`);
    }
  };

  const renderPlayers = (state: LobbyStateShape) => {
    const me = app.sessions.user?.id;
    const now = new Map<string, string>();
    const items: HTMLElement[] = [];
    const names = distinctNames(state.players.values());
    state.players.forEach((player) => {
      const name = names.get(player.id)!;
      now.set(player.id, name);
      items.push(
        h("li", { class: player.id === me ? "me" : undefined }, name, player.id === me ? " (you)" : ""),
      );
    });
    fill(players, ...items);
    setText(seats, `${state.players.size} of ${state.maxPlayers} players · ${state.words} words`);
    // Arrivals and departures, for those who cannot see the list change.
    if (known.size > 0) {
      for (const [id, name] of now) if (!known.has(id)) app.announce(`${name} joined`);
      for (const [id, name] of known) if (!now.has(id)) app.announce(`${name} left`);
    }
    known = now;
  };

  async function join(lobbyId?: string) {
    try {
      room = await app.rooms.joinLobby(chosenLength(), lobbyId);
    } catch (error) {
      if (disposed) return;
      const kind = error instanceof JoinFailure ? error.kind : undefined;
      // While it restarts, the server may also not answer at all for a moment.
      if (kind === "restarting" || (kind === "unreachable" && restartTries > 0)) return queueAgainSoon();
      if (kind === "unreachable") return app.unreachable();
      app.navigate({ screen: "home" }, { notice: (error as Error).message, replace: true });
      return;
    }
    if (disposed) {
      room.leave().catch(() => {});
      return;
    }
    if (restartTries > 0) {
      restartTries = 0;
      app.banner(undefined);
      setText(status, "Finding a lobby…");
    }
    rememberLobby(room.roomId);
    lastAnnounced = -1;
    known = new Map();
    const joined = room;
    /** this lobby was given up for another (its server shut down): its close is expected */
    let superseded = false;
    joined.onStateChange((state) => {
      renderPlayers(state);
      renderCountdown();
    });
    joined.onMessage(ServerMessage.GAME_START, (start: GameStartMessage) => enterRace(start));
    joined.onMessage(ServerMessage.ERROR, (error: RoomErrorMessage) => {
      // The only lobby error worth a player's attention: the race could not be created.
      closing = true;
      app.navigate({ screen: "home" }, { notice: roomErrorText(error.code, error.message) });
    });
    joined.onMessage(ServerMessage.RECONNECT, ({ reason }: ReconnectMessage) => {
      // A lobby that already handed its players to their race may linger a moment: not ours to heed.
      if (closing || disposed) return;
      superseded = true;
      rememberLobby(undefined);
      joined.leave().catch(() => {});
      if (reason === "regroup") {
        // An older lobby accepts everyone here now: queue again at once, and land there.
        room = undefined;
        setText(status, requeueText(reason));
        setText(countdown, "");
        join();
        return;
      }
      // This server is going away: queue again, which lands on another one (or on this one once it
      // is back). A moment first, for the load balancer to see that this process is not ready.
      queueAgainSoon();
    });
    watchConnection(app, joined, {
      onClosed(code, reason) {
        if (closing || superseded || disposed) return;
        rememberLobby(undefined);
        const why = closeText(code, reason);
        if (why) app.navigate({ screen: "home" }, { notice: why });
        else if (code === CloseCode.CONSENTED) app.navigate({ screen: "home" });
        else app.unreachable();
      },
    });
  }

  async function enterRace(start: GameStartMessage) {
    closing = true;
    rememberLobby(undefined);
    setText(status, "The race is on: taking your seat…");
    try {
      await app.rooms.takeSeat(start);
    } catch (error) {
      if (error instanceof JoinFailure && error.kind === "unreachable") return app.unreachable();
      app.navigate({ screen: "home" }, { notice: (error as Error).message });
      return;
    }
    if (!disposed) app.navigate({ screen: "race", gameId: start.gameId });
  }

  leave.addEventListener("click", () => app.navigate({ screen: "home" }));

  join(rememberedLobby());

  return {
    element,
    title: "Lobby",
    dispose() {
      disposed = true;
      window.clearInterval(ticker);
      window.clearTimeout(retryTimer);
      if (restartTries > 0) app.banner(undefined);
      if (!closing) {
        rememberLobby(undefined);
        if (room?.connection?.isOpen) room.leave().catch(() => {});
      }
    },
  };
}
