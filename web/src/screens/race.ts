/**
 * Race: the text with every character coloured as the server will judge it, a caret, the pre-race
 * countdown, everyone's progress live, the player's own wpm, and the results once they finish.
 *
 * Typing goes through a real, focused text field (so phone keyboards work). Every edit of the field
 * becomes keys (`keysForEdit`); each key is sent to the server as one `key` message and applied to
 * the page's own copy of the typing engine. The field always shows the current word's input, so
 * Backspace has something to delete on every keyboard; paste and drop are refused.
 *
 * Slips are caught: going elsewhere mid-race (Back, a link) asks "Leave the race?" first; focus
 * leaving the field shows "Click or press any key to continue typing", and that key is typed; the
 * race opened in a second tab offers "Play here" rather than taking it from the first tab, which is
 * told when it does. Once the player's results are on screen they stay, whatever the connection does.
 *
 * The other players are in the text too: each one's caret where they type, in their colour (the
 * colour of their progress bar), their name on hover. A spectator (`#/watch/<gameId>`) sees the
 * same screen without a field to type in.
 */
import { CloseCode } from "@colyseus/sdk";
import type { GameResponse } from "../../../src/api/contracts/games.ts";
import type { Key } from "../../../src/game/keys.ts";
import {
  ClientMessage,
  type FinishedMessage,
  type KeyMessage,
  type RacePlayerState,
  type RaceStateShape,
  type RatingMessage,
  RoomCloseCode,
  RoomErrorCode,
  type RoomErrorMessage,
  ServerMessage,
  secondsUntil,
} from "../../../src/protocol.ts";
import { api, serverIsUp, Unreachable } from "../api.ts";
import type { App, Screen } from "../app.ts";
import { fill, h, setText } from "../dom.ts";
import { type RaceMemory, rememberedRace, rememberRace, rememberRaceOn } from "../memory.ts";
import { CaretPace, type CaretPosition, colourOf, drawCarets } from "../opponentCarets.ts";
import { JoinFailure, type RaceRoom } from "../rooms.ts";
import { anotherTabPlays, playHere } from "../tabs.ts";
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
import { clockTime, closeText, distinctNames, figure, ordinal, roomErrorText } from "../words.ts";
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
/** While the connection is away, how often the page asks whether the race is still on. */
const AWAY_CHECK_MS = 2_000;
const ANNOUNCED_SECONDS = new Set([5, 3, 2, 1]);
/** Keys that do not bring focus back to the field: moving focus on purpose, or modifiers alone. */
const NOT_TYPING = new Set(["Tab", "Escape", "Shift", "Control", "Alt", "Meta", "CapsLock", "Enter"]);

export function raceScreen(app: App, gameId: string, options: { spectate?: boolean } = {}): Screen {
  const spectating = options.spectate === true;
  const clock = h(
    "p",
    { class: "race-clock", id: "race-clock" },
    spectating ? "Joining as a spectator…" : "Joining the race…",
  );
  const wpmValue = h("span", { class: "value", id: "live-wpm" }, "0");
  const wpm = h("p", { class: "live-wpm" }, wpmValue, " wpm");
  const leave = h(
    "button",
    { type: "button", class: "quiet", id: "leave-race" },
    spectating ? "Stop watching" : "Leave race",
  );
  const countdown = h("div", { class: "countdown-overlay", "aria-hidden": "true", hidden: true });
  const textBox = h("div", { class: "race-text", id: "race-text", "aria-hidden": "true" });
  const caretLayer = h("div", { class: "caret-layer" });
  const caretPace = new CaretPace();
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
  /** the room's connection closed for good (the race may still be on, elsewhere) */
  let roomClosed = false;
  // A room closed for good shows its last state, not how the race stands: the panel reads that.
  const results = resultsPanel(app, gameId, () => (roomClosed ? undefined : room?.state));
  results.element.hidden = true;
  const refocus = h(
    "button",
    { type: "button", class: "focus-overlay", id: "focus-overlay", hidden: true },
    "Click or press any key to continue typing",
  );
  const stay = h("button", { type: "button", class: "primary", id: "stay-in-race" }, "Stay in the race");
  const leaveForGood = h("button", { type: "button", id: "confirm-leave" }, "Leave race");
  const leaveDialog = h(
    "div",
    {
      class: "leave-dialog",
      id: "leave-dialog",
      role: "alertdialog",
      "aria-modal": "true",
      "aria-labelledby": "leave-title",
      "aria-describedby": "leave-text",
      hidden: true,
    },
    h(
      "div",
      {},
      h("h2", { id: "leave-title" }, "Leave the race?"),
      h("p", { id: "leave-text" }, "The race goes on without you: you will not finish it."),
      h("div", { class: "actions" }, stay, leaveForGood),
    ),
  );
  const playHereButton = h("button", { type: "button", class: "primary", id: "play-here" }, "Play here");
  const elsewhereText = h("p", { id: "elsewhere-text" });
  const elsewhere = h(
    "section",
    { class: "elsewhere", id: "elsewhere", role: "alert", hidden: true },
    elsewhereText,
    h("div", { class: "actions" }, playHereButton),
  );

  const element = h(
    "section",
    { class: "race" },
    h("h1", { class: "sr-only", tabindex: -1 }, spectating ? "Watching a race" : "Race"),
    spectating ? h("p", { class: "watching", id: "watching" }, "You are watching this race.") : null,
    h("div", { class: "race-bar" }, clock, wpm, leave),
    elsewhere,
    h("div", { class: "race-field" }, countdown, refocus, textBox),
    fixHint,
    textForReaders,
    input,
    players,
    results.element,
    leaveDialog,
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
    connected &&
    !roomClosed &&
    room?.state?.status === "racing" &&
    !typing.typist.finished &&
    !memory.finished;

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
    const caretWord = typing.typist.finished || spectating ? -1 : typing.typist.wordIndex;
    view.forEach((word, index) => {
      const caret = index === caretWord ? typing.typist.input.length : -1;
      const signature = `${word.status}|${word.blocking}|${caret}|${word.chars.map((c) => c.mark[0] + c.char).join("")}`;
      if (wordSignatures[index] === signature) return;
      wordSignatures[index] = signature;
      const next = wordElement(word, caret);
      wordElements[index]!.replaceWith(next);
      wordElements[index] = next;
    });
    drawOpponents();
    // A spectator follows the leader.
    const current = wordElements[spectating ? leaderWord() : Math.max(0, caretWord)];
    // Keep the line being typed near the top of the text box as it scrolls through long texts.
    if (current && current.offsetTop - textBox.scrollTop > current.offsetHeight * 1.5) {
      textBox.scrollTop = current.offsetTop - current.offsetHeight;
    } else if (current && current.offsetTop < textBox.scrollTop) {
      textBox.scrollTop = current.offsetTop;
    }
  };

  /** The others' carets (everyone's, for a spectator), in the colours of their progress bars. */
  const drawOpponents = () => {
    const state = room?.state;
    if (!state || wordElements.length === 0) return;
    const myId = app.sessions.user?.id;
    const names = distinctNames(state.players.values());
    const others: CaretPosition[] = [];
    let index = 0;
    for (const player of state.players.values()) {
      if (player.id !== myId || spectating) {
        others.push({ ...positionOf(player), name: names.get(player.id)!, colour: colourOf(index) });
      }
      index++;
    }
    drawCarets(textBox, caretLayer, wordElements, others, caretPace.glideMs);
  };
  const positionOf = ({ id, wordIndex, charIndex, finished }: RacePlayerState) => ({
    id,
    wordIndex,
    charIndex,
    finished,
  });
  /** The word the player furthest ahead types (a spectator's text box follows it). */
  const leaderWord = () => {
    let word = 0;
    room?.state?.players?.forEach((player) => {
      if (!player.finished) word = Math.max(word, player.wordIndex);
    });
    return Math.min(word, wordElements.length - 1);
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
    const myId = spectating ? undefined : app.sessions.user?.id;
    const names = distinctNames(state.players.values());
    let index = -1;
    for (const player of state.players.values()) {
      index++;
      const name = names.get(player.id)!;
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
            "aria-label": name,
          },
          fillBar,
        );
        const info = h("span", { class: "info" });
        const row = h(
          "li",
          { class: player.id === myId ? "me" : undefined, "data-player": name },
          h("span", { class: "name" }, name, player.id === myId ? " (you)" : ""),
          bar,
          info,
        );
        if (player.id !== myId) row.style.setProperty("--player-colour", colourOf(index));
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
        if (player.id !== myId) app.announce(`${name} finished ${ordinal(player.rank)}`);
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
    caretPace.patched(performance.now());
    if (words.length === 0) {
      if (state.words.length === 0) return;
      start(state);
    }
    renderPlayers(state);
    drawOpponents();
    if (state.status !== previousStatus) {
      const opened = previousStatus === "countdown" && state.status === "racing";
      previousStatus = state.status;
      if (state.status === "racing" && !memory.finished && !spectating) {
        input.readOnly = false;
        input.placeholder = "Type here";
        if (opened) app.announce("Go!");
        input.focus();
      }
      if (state.status === "finished") {
        input.readOnly = true;
        // The panel reads the ranking again until the store has the race's end too.
        if (resultsShown) results.refresh();
        else showResults();
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
    fill(textBox, ...wordElements, caretLayer);
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
    if (spectating) return;
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
    rememberRaceOn(undefined);
    hideRefocus();
    // Leaving now gives nothing up.
    leave.textContent = "Home";
    results.element.hidden = false;
    input.hidden = true;
    results.refresh();
    results.raceAgain.focus();
  };

  // ---- slips -------------------------------------------------------------------------------------

  /** The race is on for this player: leaving it now gives it up. */
  const raceOn = () =>
    !spectating &&
    !!room &&
    !roomClosed &&
    !resultsShown &&
    !memory.finished &&
    elsewhere.hidden &&
    room.state?.status !== "finished";

  const askToLeave = () => {
    hideRefocus();
    leaveDialog.hidden = false;
    stay.focus();
  };
  const closeLeaveDialog = () => {
    leaveDialog.hidden = true;
  };
  stay.addEventListener("click", () => {
    closeLeaveDialog();
    if (canType()) input.focus();
  });
  // Leaving goes home, whatever the player was going back to (the lobby would queue them again).
  leaveForGood.addEventListener("click", () => app.navigate({ screen: "home" }));
  leaveDialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") stay.click();
  });
  leave.addEventListener("click", () => {
    if (raceOn()) askToLeave();
    else app.navigate({ screen: "home" });
  });

  // Focus left the field mid-race (Tab, a click elsewhere): say so; the next key comes back to it.
  const hideRefocus = () => {
    refocus.hidden = true;
  };
  input.addEventListener("focus", hideRefocus);
  input.addEventListener("blur", () => {
    // Blur comes before the new focus lands; look once it has.
    window.setTimeout(() => {
      if (!disposed && canType() && leaveDialog.hidden && document.activeElement !== input) {
        refocus.hidden = false;
      }
    }, 0);
  });
  refocus.addEventListener("click", () => input.focus());
  const onKeyElsewhere = (event: KeyboardEvent) => {
    if (refocus.hidden || event.target === input || NOT_TYPING.has(event.key)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    // Focus moved during keydown: the key's character goes into the field, so it is not lost.
    input.focus();
  };
  document.addEventListener("keydown", onKeyElsewhere, true);

  /** This race is played in another tab: say so, with a button to play it here. */
  const showElsewhere = (text: string) => {
    playHere(undefined);
    hideRefocus();
    closeLeaveDialog();
    setText(elsewhereText, text);
    elsewhere.hidden = false;
    element.classList.add("playing-elsewhere");
    input.readOnly = true;
    setText(clock, "Playing in another tab");
    playHereButton.focus();
  };
  playHereButton.addEventListener("click", () => {
    elsewhere.hidden = true;
    element.classList.remove("playing-elsewhere");
    // The state comes anew: start over from it (this tab's kept keys, the server's position).
    words = [];
    joinRace();
  });

  function attach(joined: RaceRoom) {
    room = joined;
    roomClosed = false;
    connected = true;
    // A room joined again (Play here, a server that came back) applies its status anew.
    previousStatus = undefined;
    if (!spectating) {
      playHere(gameId);
      if (!memory.finished) rememberRaceOn(gameId);
    }
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
    // A rated race's ratings come after its results, to each player still in the room.
    joined.onMessage(ServerMessage.RATING, (rating: RatingMessage) => results.showRating(rating));
    joined.onMessage(ServerMessage.ERROR, (error: RoomErrorMessage) => {
      // A rejected key changed nothing on the server: the next quiet moment resynchronises.
      lastKeyAt = 0;
      if (error.code !== RoomErrorCode.NOT_STARTED) app.notice(roomErrorText(error.code, error.message));
    });
    watchConnection(app, joined, {
      onDropped() {
        connected = false;
        input.readOnly = true;
        watchWhileAway();
      },
      onReconnected() {
        connected = true;
        stopWatchingAway();
        input.readOnly = !canType();
        if (canType()) input.focus();
      },
      onClosed(code, reason) {
        if (leaving || disposed || joined !== room) return;
        roomClosed = true;
        if (code === RoomCloseCode.REPLACED) return showElsewhere(closeText(code)!);
        const why = closeText(code, reason);
        if (why) app.navigate({ screen: "home" }, { notice: why });
        else if (resultsShown) {
          // The results on screen stay (the server may be restarting): at most a line says so.
          if (code !== CloseCode.CONSENTED) results.refresh();
        } else if (code === CloseCode.CONSENTED) {
          // The race room closed after the race (everyone left, or its time for the results ran out).
          app.navigate({ screen: "results", gameId }, { replace: true });
        } else {
          // The race's server is gone: if another answers, ask it how the race stands, and rejoin
          // (from the state anew) or show the results.
          serverIsUp().then((up) => {
            if (disposed) return;
            if (!up) return app.unreachable();
            words = [];
            rejoin();
          });
        }
      },
    });
    if (joined.state?.words?.length) onState(joined.state);
  }

  /**
   * While the connection is away, the page also asks how the race stands: a race that ended
   * meanwhile (its server died and another closed it, say) goes to its results at once, rather
   * than after every reconnection attempt has failed.
   */
  let awayWatch: number | undefined;
  const watchWhileAway = () => {
    stopWatchingAway();
    awayWatch = window.setInterval(async () => {
      const answer = await api<GameResponse>(`/api/v1/games/${gameId}`).catch(() => undefined);
      if (disposed || connected || !answer?.ok) return;
      if (answer.data.status === "countdown" || answer.data.status === "racing") return;
      stopWatchingAway();
      rememberRaceOn(undefined);
      app.navigate({ screen: "results", gameId }, { replace: true });
    }, AWAY_CHECK_MS);
  };
  const stopWatchingAway = () => {
    window.clearInterval(awayWatch);
    awayWatch = undefined;
  };

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
    const { status, players: racers } = answer.data;
    const mine = racers.find((player) => player.id === app.sessions.user?.id);
    if ((status !== "countdown" && status !== "racing") || !mine || mine.finished) {
      rememberRaceOn(undefined);
      app.navigate({ screen: "results", gameId }, { replace: true });
      return;
    }
    if (await anotherTabPlays(gameId)) {
      if (!disposed) showElsewhere("You opened Typephoon in another tab: this race is being played there.");
      return;
    }
    if (!disposed) joinRace();
  }

  /** Joins the race by id: the server gives the player their exact place back. */
  async function joinRace() {
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

  /** Watches the race: a guest session first for a newcomer (a spectator needs a token too). */
  async function watch() {
    try {
      if (!app.sessions.user) await app.sessions.playAsGuest("");
      const joined = await app.rooms.spectate(gameId);
      if (disposed) {
        joined.leave().catch(() => {});
        return;
      }
      attach(joined);
    } catch (error) {
      if (disposed) return;
      if (error instanceof Unreachable || (error instanceof JoinFailure && error.kind === "unreachable")) {
        return app.unreachable();
      }
      const gone = error instanceof JoinFailure && error.kind === "gone";
      if (gone) app.navigate({ screen: "results", gameId }, { replace: true });
      else app.navigate({ screen: "watch" }, { notice: (error as Error).message, replace: true });
    }
  }

  if (spectating) {
    input.hidden = true;
    wpm.hidden = true;
    watch();
  } else {
    const handed = app.rooms.takeHandoff(gameId);
    if (handed) attach(handed);
    else rejoin();
  }

  return {
    element,
    title: spectating ? "Watching" : "Race",
    focus: spectating ? leave : input,
    askToLeave() {
      if (!raceOn()) return false;
      askToLeave();
      return true;
    },
    dispose(reason) {
      disposed = true;
      leaving = true;
      window.clearInterval(ticker);
      window.removeEventListener("pagehide", persistNow);
      document.removeEventListener("keydown", onKeyElsewhere, true);
      stopWatchingAway();
      if (room && !connected) {
        // Still reconnecting: stop, and take the banner down with it.
        room.reconnection.maxRetries = 0;
        app.banner(undefined);
      }
      results.dispose();
      if (room) playHere(undefined);
      // Leaving a race that is still on gives it up: nothing of it needs remembering. Losing the
      // server is not leaving: Retry rejoins, and the kept keys restore the colouring.
      if (memory.finished || reason === "unreachable") persistNow();
      else {
        if (persistTimer !== undefined) window.clearTimeout(persistTimer);
        rememberRace(undefined);
        if (room) rememberRaceOn(undefined);
      }
      // Without consent the server keeps the player's place, as for any dropped connection.
      if (room?.connection?.isOpen) room.leave(reason === "navigate").catch(() => {});
    },
  };
}

/** One word of the text: a span per character, marked for colouring, with the caret in place. */
function wordElement(word: WordView, caret: number): HTMLElement {
  const element = h("span", { class: `word ${word.status}${word.blocking ? " word-blocking" : ""}` });
  word.chars.forEach((char, index) => {
    const span = h("span", { class: char.mark }, char.char);
    if (index === caret) span.classList.add("caret");
    element.append(span);
  });
  if (caret >= word.chars.length) element.lastElementChild?.classList.add("caret-after");
  return element;
}
