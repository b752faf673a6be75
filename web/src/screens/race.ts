/**
 * Race: the text with every character coloured as the server will judge it, a caret, the pre-race
 * countdown, everyone's progress live, the player's own wpm, and the results once they finish.
 *
 * Typing goes through a real, focused text field (so phone keyboards work). Every edit of the field
 * becomes keys (`keysForEdit`); each key is sent to the server as one `key` message and applied to
 * the page's own copy of the typing engine. The field always shows the current word's input, so
 * Backspace has something to delete on every keyboard; paste and drop are refused.
 */
import { CloseCode } from "@colyseus/sdk";
import type { GameResponse } from "../../../src/api/contracts/games.ts";
import type { Key } from "../../../src/game/keys.ts";
import {
  ClientMessage,
  type FinishedMessage,
  type KeyMessage,
  type RaceStateShape,
  RoomErrorCode,
  type RoomErrorMessage,
  ServerMessage,
  secondsUntil,
} from "../../../src/protocol.ts";
import { api, Unreachable } from "../api.ts";
import type { App, Screen } from "../app.ts";
import { fill, h, setText } from "../dom.ts";
import { type RaceMemory, rememberedRace, rememberRace } from "../memory.ts";
import { JoinFailure, type RaceRoom } from "../rooms.ts";
import {
  colourText,
  keysForEdit,
  type LocalTyping,
  liveWpm,
  newTyping,
  pressKey,
  progressOf,
  restoreTyping,
  type WordView,
} from "../typing.ts";
import { clockTime, closeText, figure, ordinal, roomErrorText } from "../words.ts";
import { watchConnection } from "./connection.ts";
import { resultsPanel } from "./results.ts";

/** Edits a text field may make that are not typing. */
const REFUSED_INPUT = new Set([
  "insertFromPaste",
  "insertFromDrop",
  "insertFromYank",
  "historyUndo",
  "historyRedo",
]);
/** Keys that would move the field's caret away from the end of the word. */
const CARET_KEYS = new Set([
  "ArrowLeft",
  "ArrowRight",
  "ArrowUp",
  "ArrowDown",
  "Home",
  "End",
  "PageUp",
  "PageDown",
]);
/** After this long without a key, the page trusts the server's position over its own. */
const RESYNC_QUIET_MS = 1_000;
const ANNOUNCED_SECONDS = new Set([5, 3, 2, 1]);

export function raceScreen(app: App, gameId: string): Screen {
  const clock = h("p", { class: "race-clock", id: "race-clock" }, "Joining the race…");
  const wpmValue = h("span", { class: "value", id: "live-wpm" }, "0");
  const wpm = h("p", { class: "live-wpm" }, wpmValue, " wpm");
  const leave = h("button", { type: "button", class: "quiet", id: "leave-race" }, "Leave race");
  const countdown = h("div", { class: "countdown-overlay", "aria-hidden": "true", hidden: true });
  const textBox = h("div", { class: "race-text", id: "race-text", "aria-hidden": "true" });
  const textForReaders = h("p", { class: "sr-only", id: "race-words" });
  // Said once a space is refused: a word counts only typed exactly.
  const fixHint = h("p", { class: "fix-hint", id: "fix-hint", role: "status", hidden: true });
  const input = h("input", {
    id: "typing",
    class: "typing",
    type: "text",
    "aria-label": "Type the text here",
    "aria-describedby": "race-words",
    autocomplete: "off",
    autocapitalize: "off",
    autocorrect: "off",
    spellcheck: "false",
    enterkeyhint: "next",
    readonly: true,
    placeholder: "Wait for the start…",
  });
  const players = h("ol", {
    class: "race-players",
    id: "race-players",
    "aria-label": "Progress of the players",
  });
  const results = resultsPanel(app, gameId, () => room?.state);
  results.element.hidden = true;

  const element = h(
    "section",
    { class: "race" },
    h("h1", { class: "sr-only", tabindex: -1 }, "Race"),
    h("div", { class: "race-bar" }, clock, wpm, leave),
    h("div", { class: "race-field" }, countdown, textBox),
    fixHint,
    textForReaders,
    input,
    players,
    results.element,
  );

  let room: RaceRoom | undefined;
  let disposed = false;
  let leaving = false;
  let words: string[] = [];
  let typing: LocalTyping = newTyping();
  let memory: RaceMemory = { gameId, keys: [] };
  let wordElements: HTMLElement[] = [];
  let wordSignatures: string[] = [];
  let shown = "";
  let lastKeyAt = 0;
  let connected = true;
  let lastAnnounced = -1;
  const announcedFinishers = new Set<string>();
  let resultsShown = false;
  let finishersSeen = 0;
  let persistTimer: number | undefined;
  const me = () => (app.sessions.user ? room?.state?.players.get(app.sessions.user.id) : undefined);

  // ---- typing ----------------------------------------------------------------------------------

  const canType = () =>
    connected && room?.state?.status === "racing" && !typing.typist.finished && !memory.finished;

  const send = (key: Key) => {
    room!.send(ClientMessage.KEY, { key } satisfies KeyMessage);
    const outcome = pressKey(words, typing, key);
    memory.keys.push(key);
    lastKeyAt = Date.now();
    if (outcome === "finished") input.readOnly = true;
    if (outcome === "blocked") nudgeBlockedWord();
    else if (outcome === "advanced" || outcome === "finished") fixHint.hidden = true;
  };

  /** A space on a word with a mistake: the word shakes, and the player is told why nothing moved. */
  const nudgeBlockedWord = () => {
    setText(fixHint, "Fix the underlined word: a word counts only when it is typed exactly.");
    fixHint.hidden = false;
    const word = wordElements[typing.typist.wordIndex];
    word?.classList.remove("word-nudge");
    // Restart the animation: reading a layout property makes the removal take effect first.
    void word?.offsetWidth;
    word?.classList.add("word-nudge");
  };

  input.addEventListener("beforeinput", (event) => {
    if (REFUSED_INPUT.has(event.inputType) || !canType()) event.preventDefault();
  });
  input.addEventListener("paste", (event) => event.preventDefault());
  input.addEventListener("drop", (event) => event.preventDefault());
  input.addEventListener("keydown", (event) => {
    if (CARET_KEYS.has(event.key) || event.key === "Enter") event.preventDefault();
  });
  input.addEventListener("input", () => {
    if (!canType()) {
      showInput();
      return;
    }
    for (const key of keysForEdit(shown, input.value)) {
      if (!canType()) break;
      send(key);
    }
    showInput();
    renderText();
    renderWpm();
    persistSoon();
  });
  // The caret of the field stays at the end of the word: that is where typing happens.
  input.addEventListener("select", () => input.setSelectionRange(input.value.length, input.value.length));
  textBox.addEventListener("click", () => input.focus());

  const showInput = () => {
    shown = typing.typist.finished ? "" : typing.typist.input;
    if (input.value !== shown) input.value = shown;
    input.setSelectionRange(shown.length, shown.length);
  };

  const persistSoon = () => {
    if (persistTimer !== undefined) return;
    persistTimer = window.setTimeout(() => {
      persistTimer = undefined;
      rememberRace(memory);
    }, 200);
  };
  const persistNow = () => {
    if (persistTimer !== undefined) window.clearTimeout(persistTimer);
    persistTimer = undefined;
    rememberRace(memory);
  };
  window.addEventListener("pagehide", persistNow);

  // ---- drawing -----------------------------------------------------------------------------------

  const renderText = () => {
    const view = colourText(words, typing);
    const caretWord = typing.typist.finished ? -1 : typing.typist.wordIndex;
    // A ghost types on its own: where it is shows in the text.
    const ghost = [...(room?.state?.players.values() ?? [])].find(
      (player) => player.ghost && !player.finished,
    );
    view.forEach((word, index) => {
      const caret = index === caretWord ? typing.typist.input.length : -1;
      const ghostAt = ghost?.wordIndex === index ? ghost.charIndex : -1;
      const signature = `${word.status}|${word.blocking}|${caret}|${ghostAt}|${word.chars.map((c) => c.mark[0] + c.char).join("")}`;
      if (wordSignatures[index] === signature) return;
      wordSignatures[index] = signature;
      const next = wordElement(word, caret, ghostAt);
      wordElements[index]!.replaceWith(next);
      wordElements[index] = next;
    });
    const current = wordElements[Math.max(0, caretWord)];
    // Keep the line being typed near the top of the text box as it scrolls through long texts.
    if (current && current.offsetTop - textBox.scrollTop > current.offsetHeight * 1.5) {
      textBox.scrollTop = current.offsetTop - current.offsetHeight;
    } else if (current && current.offsetTop < textBox.scrollTop) {
      textBox.scrollTop = current.offsetTop;
    }
  };

  const renderWpm = () => {
    const state = room?.state;
    if (!state || memory.finished) return;
    if (state.status === "countdown") return setText(wpmValue, "0");
    setText(wpmValue, String(Math.round(liveWpm(words, typing, Math.max(0, Date.now() - state.startsAt)))));
  };

  const playerRows = new Map<
    string,
    { row: HTMLElement; bar: HTMLElement; fill: HTMLElement; info: HTMLElement }
  >();
  const renderPlayers = (state: RaceStateShape) => {
    const myId = app.sessions.user?.id;
    for (const player of state.players.values()) {
      let parts = playerRows.get(player.id);
      if (!parts) {
        const fillBar = h("span", { class: "fill" });
        const bar = h(
          "span",
          {
            class: "bar",
            role: "progressbar",
            "aria-valuemin": 0,
            "aria-valuemax": 100,
            "aria-label": player.name,
          },
          fillBar,
        );
        const info = h("span", { class: "info" });
        const row = h(
          "li",
          { class: player.id === myId ? "me" : undefined, "data-player": player.name },
          h("span", { class: "name" }, player.name, player.id === myId ? " (you)" : ""),
          bar,
          info,
        );
        parts = { row, bar, fill: fillBar, info };
        playerRows.set(player.id, parts);
        players.append(row);
      }
      const progress = Math.round(100 * progressOf(words, player));
      parts.fill.style.width = `${progress}%`;
      parts.bar.setAttribute("aria-valuenow", String(progress));
      parts.row.classList.toggle("finished", player.finished);
      parts.row.classList.toggle("away", !player.connected && !player.finished);
      setText(
        parts.info,
        player.finished
          ? `${ordinal(player.rank)} · ${figure(player.wpm)} wpm`
          : !player.connected && state.status !== "countdown"
            ? "away"
            : `${progress}%`,
      );
      if (player.finished && !announcedFinishers.has(player.id)) {
        announcedFinishers.add(player.id);
        if (player.id !== myId) app.announce(`${player.name} finished ${ordinal(player.rank)}`);
      }
    }
  };

  const renderClock = () => {
    const state = room?.state;
    if (!state?.startsAt) return;
    const now = Date.now();
    if (state.status === "countdown") {
      const seconds = secondsUntil(state.startsAt, now);
      countdown.hidden = false;
      setText(countdown, seconds > 0 ? String(seconds) : "Go!");
      setText(clock, seconds > 0 ? `Starts in ${seconds}` : "Go!");
      if (ANNOUNCED_SECONDS.has(seconds) && seconds !== lastAnnounced) {
        lastAnnounced = seconds;
        app.announce(seconds === 5 ? "The race starts in 5 seconds" : String(seconds));
      }
      return;
    }
    countdown.hidden = true;
    if (state.status === "racing" && !memory.finished) {
      setText(clock, `${clockTime((state.endsAt - now) / 1000)} left`);
    } else if (state.status === "finished") {
      setText(clock, "Race over");
    } else {
      setText(clock, "Finished");
    }
  };

  // ---- the room ----------------------------------------------------------------------------------

  const ticker = window.setInterval(() => {
    renderClock();
    if (canType()) renderWpm();
  }, 200);

  let previousStatus: string | undefined;
  const onState = (state: RaceStateShape) => {
    if (words.length === 0) {
      if (state.words.length === 0) return;
      start(state);
    }
    renderPlayers(state);
    renderText();
    if (state.status !== previousStatus) {
      const opened = previousStatus === "countdown" && state.status === "racing";
      previousStatus = state.status;
      if (state.status === "racing" && !memory.finished) {
        input.readOnly = false;
        input.placeholder = "Type here";
        if (opened) app.announce("Go!");
        input.focus();
      }
      if (state.status === "finished") {
        input.readOnly = true;
        showResults();
        window.setTimeout(() => results.refresh(), 1_000);
      }
    }
    // The ranking is read again when someone finishes; other patches only move the bars.
    const finishers = [...state.players.values()].filter((player) => player.finished).length;
    if (resultsShown && finishers !== finishersSeen) {
      // Once more a moment later: a finisher's result is stored just after the state says so.
      results.refresh();
      window.setTimeout(() => results.refresh(), 1_000);
    } else if (resultsShown) results.update();
    finishersSeen = finishers;
    resync(state);
    renderClock();
  };

  /** The first full state: the text, and the player's typing so far (after a reload). */
  const start = (state: RaceStateShape) => {
    words = [...state.words];
    textForReaders.textContent = `The text: ${words.join(" ")}`;
    memory = rememberedRace(gameId) ?? { gameId, keys: [] };
    const mine = me();
    if (mine && (memory.keys.length > 0 || mine.wordIndex > 0 || mine.charIndex > 0)) {
      const restored = restoreTyping(words, memory.keys, mine);
      typing = restored.typing;
      memory.keys = restored.keys;
    }
    wordElements = words.map(() => h("span"));
    wordSignatures = [];
    fill(textBox, ...wordElements);
    renderText();
    showInput();
    if (memory.finished) {
      results.showOwn(memory.finished);
      showResults();
    }
    persistNow();
  };

  /**
   * Keys can be lost (a drop, a rate limit): once the player pauses, a position that differs from
   * the server's is taken from the server, with whatever of the kept keys still fits it.
   */
  const resync = (state: RaceStateShape) => {
    const mine = me();
    if (!mine || state.status !== "racing" || Date.now() - lastKeyAt < RESYNC_QUIET_MS) return;
    const local = typing.typist;
    if (
      mine.wordIndex === local.wordIndex &&
      mine.charIndex === local.input.length &&
      mine.finished === local.finished
    ) {
      return;
    }
    const restored = restoreTyping(words, memory.keys, mine);
    typing = restored.typing;
    memory.keys = restored.keys;
    renderText();
    showInput();
    persistSoon();
  };

  const showResults = () => {
    if (resultsShown) return;
    resultsShown = true;
    // Leaving now gives nothing up.
    leave.textContent = "Home";
    results.element.hidden = false;
    input.hidden = true;
    results.refresh();
    results.raceAgain.focus();
  };

  function attach(joined: RaceRoom) {
    room = joined;
    joined.onStateChange(onState);
    joined.onMessage(ServerMessage.FINISHED, (finished: FinishedMessage) => {
      memory.finished = finished;
      persistNow();
      setText(wpmValue, String(Math.round(finished.wpm)));
      app.announce(
        `You finished ${ordinal(finished.rank)} at ${Math.round(finished.wpm)} words per minute` +
          (finished.isPersonalBest ? ", a new personal best!" : "."),
      );
      results.showOwn(finished);
      showResults();
      renderClock();
    });
    joined.onMessage(ServerMessage.ERROR, (error: RoomErrorMessage) => {
      // A rejected key changed nothing on the server: the next quiet moment resynchronises.
      lastKeyAt = 0;
      if (error.code !== RoomErrorCode.NOT_STARTED) app.notice(roomErrorText(error.code, error.message));
    });
    watchConnection(app, joined, {
      onDropped() {
        connected = false;
        input.readOnly = true;
      },
      onReconnected() {
        connected = true;
        input.readOnly = !canType();
        if (canType()) input.focus();
      },
      onClosed(code, reason) {
        if (leaving || disposed) return;
        const why = closeText(code, reason);
        if (why) app.navigate({ screen: "home" }, { notice: why });
        else if (code === CloseCode.CONSENTED) {
          // The race room closed after the race (everyone left, or its time for the results ran out).
          if (!resultsShown) app.navigate({ screen: "results", gameId }, { replace: true });
        } else app.unreachable();
      },
    });
    if (joined.state?.words?.length) onState(joined.state);
  }

  /** After a reload: rejoin the race if it is still on for this player, else show its results. */
  async function rejoin() {
    let answer: Awaited<ReturnType<typeof api<GameResponse>>>;
    try {
      answer = await api<GameResponse>(`/api/v1/games/${gameId}`);
    } catch (error) {
      if (error instanceof Unreachable) return app.unreachable();
      throw error;
    }
    if (disposed) return;
    if (!answer.ok) {
      app.navigate({ screen: "home" }, { notice: "That race does not exist.", replace: true });
      return;
    }
    const mine = answer.data.players.find((player) => player.id === app.sessions.user?.id);
    if (answer.data.status === "finished" || !mine || mine.finished) {
      app.navigate({ screen: "results", gameId }, { replace: true });
      return;
    }
    try {
      const joined = await app.rooms.rejoinRace(gameId);
      if (disposed) {
        joined.leave().catch(() => {});
        return;
      }
      attach(joined);
    } catch (error) {
      if (disposed) return;
      if (error instanceof JoinFailure && error.kind === "unreachable") return app.unreachable();
      app.navigate({ screen: "results", gameId }, { notice: (error as Error).message, replace: true });
    }
  }

  leave.addEventListener("click", () => app.navigate({ screen: "home" }));

  const handed = app.rooms.takeHandoff(gameId);
  if (handed) attach(handed);
  else rejoin();

  return {
    element,
    title: "Race",
    focus: input,
    dispose(reason) {
      disposed = true;
      leaving = true;
      window.clearInterval(ticker);
      window.removeEventListener("pagehide", persistNow);
      // Leaving a race that is still on gives it up: nothing of it needs remembering. Losing the
      // server is not leaving: Retry rejoins, and the kept keys restore the colouring.
      if (memory.finished || reason === "unreachable") persistNow();
      else {
        if (persistTimer !== undefined) window.clearTimeout(persistTimer);
        rememberRace(undefined);
      }
      // Without consent the server keeps the player's place, as for any dropped connection.
      if (room?.connection?.isOpen) room.leave(reason === "navigate").catch(() => {});
    },
  };
}

/** One word of the text: a span per character, marked for colouring, with the carets in place. */
function wordElement(word: WordView, caret: number, ghostAt: number): HTMLElement {
  const element = h("span", { class: `word ${word.status}${word.blocking ? " word-blocking" : ""}` });
  word.chars.forEach((char, index) => {
    const span = h("span", { class: char.mark }, char.char);
    if (index === caret) span.classList.add("caret");
    element.append(span);
  });
  if (caret >= word.chars.length) element.lastElementChild?.classList.add("caret-after");
  if (ghostAt >= 0) {
    const marker = h("span", { class: "ghost-caret", "aria-hidden": "true" });
    element.insertBefore(marker, element.children[ghostAt] ?? null);
  }
  return element;
}
