/**
 * Replay (`#/replay/<gameId>`): a race that is over, played again from its stored keys. The text
 * shows the chosen player's typing exactly as they typed it — mistakes, Backspaces and all, through
 * the typing engine the server uses — with the other players' carets moving through it; every
 * player's bar and live wpm at the playhead; play / pause, speed 0.5× to 4×, and a scrubber. Below,
 * the race's charts for the chosen player. A finished player's race can be raced again as a ghost.
 */
import type { ReplayResponse } from "../../../src/api/contracts/games.ts";
import { LogPlayer, scoreOfLog } from "../../../src/game/replay.ts";
import { api, Unreachable } from "../api.ts";
import { type App, heading, link, type Screen } from "../app.ts";
import { fill, h, setText } from "../dom.ts";
import { raceGhost } from "../ghostRace.ts";
import { raceAnalysis } from "../raceAnalysis.ts";
import { playersOf, playheadTime, type ReplayPlayer, replayLength } from "../replayData.ts";
import { colourText, progressOf, type WordView } from "../typing.ts";
import { apiErrorText, figure, ordinal } from "../words.ts";

const SPEEDS = [0.5, 1, 2, 4] as const;
/** The other players' carets, in the order of the ranking. */
const CARET_COLOURS = ["#6cb6ff", "#7fd99a", "#ff7b7b", "#c59bff", "#ffae5c", "#5ce1e6", "#f78fd0"];

interface Lane {
  player: ReplayPlayer;
  log: LogPlayer;
  /** the figures the race stored for them: what the replay ends on */
  score: ReturnType<typeof scoreOfLog>;
  row: HTMLElement;
  fill: HTMLElement;
  bar: HTMLElement;
  wpm: HTMLElement;
  colour: string;
}

export function replayScreen(app: App, gameId: string): Screen {
  const meta = h("p", { class: "muted", id: "replay-meta" }, "Loading the race…");
  const play = h("button", { type: "button", class: "primary", id: "replay-play", disabled: true }, "Play");
  const speedButtons = SPEEDS.map((speed) =>
    h(
      "button",
      { type: "button", class: "segment", "data-speed": speed, "aria-pressed": String(speed === 1) },
      `${speed}×`,
    ),
  );
  const scrubber = h("input", {
    type: "range",
    id: "replay-scrubber",
    min: 0,
    max: 0,
    step: 1,
    value: 0,
    "aria-label": "Position in the race",
  });
  const time = h("span", { class: "replay-time", id: "replay-time" }, "0:00.0");
  const text = h("div", { class: "race-text replay-text", id: "replay-text", "aria-hidden": "true" });
  const lanes = h("ol", { class: "race-players", id: "replay-players", "aria-label": "The players" });
  const analysis = raceAnalysis((userId) => focus(userId));
  analysis.element.hidden = true;
  const element = h(
    "section",
    { class: "replay", "data-state": "loading" },
    heading("Replay"),
    meta,
    h(
      "div",
      { class: "replay-controls" },
      play,
      h(
        "div",
        { class: "segments", id: "replay-speeds", role: "group", "aria-label": "Speed" },
        ...speedButtons,
      ),
      scrubber,
      time,
    ),
    text,
    lanes,
    analysis.element,
    h("div", { class: "actions" }, link({ screen: "results", gameId }, "Results", { class: "button" })),
  );

  let disposed = false;
  let words: string[] = [];
  let all: Lane[] = [];
  let focused: Lane | undefined;
  let length = 0;
  let playhead = 0;
  let speed = 1;
  let frame: number | undefined;
  let lastFrameAt = 0;
  let wordElements: HTMLElement[] = [];
  let wordSignatures: string[] = [];

  // ---- playing -----------------------------------------------------------------------------------

  const playing = () => frame !== undefined;
  const stop = () => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    frame = undefined;
  };
  const step = (now: number) => {
    playhead = Math.min(length, playhead + (now - lastFrameAt) * speed);
    lastFrameAt = now;
    render();
    if (playhead >= length) {
      frame = undefined;
      render();
      return;
    }
    frame = requestAnimationFrame(step);
  };
  play.addEventListener("click", () => {
    if (playing()) stop();
    else {
      if (playhead >= length) playhead = 0;
      lastFrameAt = performance.now();
      frame = requestAnimationFrame(step);
    }
    render();
  });
  for (const button of speedButtons) {
    button.addEventListener("click", () => {
      speed = Number(button.dataset.speed);
      for (const other of speedButtons) other.setAttribute("aria-pressed", String(other === button));
    });
  }
  scrubber.addEventListener("input", () => {
    playhead = Number(scrubber.value);
    render();
  });

  // ---- drawing -----------------------------------------------------------------------------------

  const render = () => {
    const over = playhead >= length;
    element.dataset.state = over ? "ended" : playing() ? "playing" : "paused";
    setText(play, playing() ? "Pause" : over ? "Play again" : "Play");
    scrubber.value = String(Math.round(playhead));
    setText(time, `${playheadTime(playhead)} / ${playheadTime(length)}`);
    for (const lane of all) {
      const typist = lane.log.seek(playhead);
      // The race over, everyone is on their stored figures (one who did not finish: over the time they typed).
      const figures = over ? lane.score : lane.log.figuresAt(playhead);
      const progress = Math.round(
        100 *
          progressOf(words, {
            wordIndex: typist.wordIndex,
            charIndex: typist.input.length,
            finished: typist.finished,
          }),
      );
      lane.fill.style.width = `${progress}%`;
      lane.bar.setAttribute("aria-valuenow", String(progress));
      lane.row.classList.toggle("finished", typist.finished);
      setText(
        lane.wpm,
        typist.finished && lane.player.rank !== null
          ? `${ordinal(lane.player.rank)} · ${figure(figures.wpm)} wpm`
          : `${figure(figures.wpm)} wpm`,
      );
    }
    renderText();
  };

  const renderText = () => {
    if (!focused) return;
    const typist = focused.log.typist;
    const view = colourText(words, { typist, unknownPrefix: [] });
    const caretWord = typist.finished ? -1 : typist.wordIndex;
    // The other players' carets: word → character → colours.
    const carets = new Map<number, Array<[number, string]>>();
    for (const lane of all) {
      if (lane === focused || lane.log.typist.finished) continue;
      const { wordIndex, input } = lane.log.typist;
      carets.set(wordIndex, [...(carets.get(wordIndex) ?? []), [input.length, lane.colour]]);
    }
    view.forEach((word, index) => {
      const caret = index === caretWord ? typist.input.length : -1;
      const others = carets.get(index) ?? [];
      const signature = `${word.status}|${caret}|${others.join(";")}|${word.chars.map((c) => c.mark[0] + c.char).join("")}`;
      if (wordSignatures[index] === signature) return;
      wordSignatures[index] = signature;
      const next = wordElement(word, caret, others);
      wordElements[index]!.replaceWith(next);
      wordElements[index] = next;
    });
    const current = wordElements[Math.max(0, caretWord)];
    if (current && current.offsetTop - text.scrollTop > current.offsetHeight * 1.5) {
      text.scrollTop = current.offsetTop - current.offsetHeight;
    } else if (current && current.offsetTop < text.scrollTop) {
      text.scrollTop = current.offsetTop;
    }
  };

  /** Whose typing the text shows (and the charts): the analysis below follows, and tells back. */
  function focus(userId: string) {
    const lane = all.find((one) => one.player.userId === userId);
    if (!lane || lane === focused) return;
    focused = lane;
    for (const one of all) one.row.classList.toggle("me", one === lane);
    wordSignatures = [];
    analysis.choose(userId);
    renderText();
  }

  // ---- the race ----------------------------------------------------------------------------------

  const show = (replay: ReplayResponse) => {
    words = replay.words;
    const players = playersOf(replay);
    length = replayLength(players);
    scrubber.max = String(length);
    const when = new Date(replay.startsAt).toLocaleString(undefined, {
      dateStyle: "medium",
      timeStyle: "short",
    });
    setText(
      meta,
      `A ${words.length}-word ${replay.mode} race of ${players.length} ${players.length === 1 ? "player" : "players"}, ${when}.`,
    );
    let others = 0;
    all = players.map((player) => {
      const colour = CARET_COLOURS[others++ % CARET_COLOURS.length]!;
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
      const wpm = h("span", { class: "info wpm" });
      const name = h(
        "button",
        { type: "button", class: "name quiet", title: "Show their typing" },
        player.name,
      );
      const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.background = colour;
      const ghost = player.finished
        ? h(
            "button",
            { type: "button", class: "quiet race-ghost", title: `Race ${player.name}'s race as a ghost` },
            "Race this ghost",
          )
        : null;
      ghost?.addEventListener("click", () => {
        stop();
        raceGhost(app, { gameId, userId: player.userId });
      });
      const row = h(
        "li",
        {
          "data-user": player.userId,
          "data-player": player.name,
          class: player.flagged ? "flagged" : undefined,
        },
        h(
          "span",
          { class: "who" },
          swatch,
          name,
          player.flagged ? h("span", { class: "flag" }, " flagged") : null,
        ),
        bar,
        wpm,
        ghost,
      );
      name.addEventListener("click", () => focus(player.userId));
      lanes.append(row);
      return {
        player,
        log: new LogPlayer(words, player.keys),
        score: scoreOfLog(words, player.keys),
        row,
        fill: fillBar,
        bar,
        wpm,
        colour,
      };
    });
    wordElements = words.map(() => h("span"));
    fill(text, ...wordElements);
    analysis.show(replay, app.sessions.user?.id);
    focus(
      all.find((lane) => lane.player.userId === app.sessions.user?.id)?.player.userId ??
        all[0]?.player.userId ??
        "",
    );
    play.disabled = all.length === 0;
    render();
  };

  api<ReplayResponse>(`/api/v1/games/${gameId}/replay`)
    .then((answer) => {
      if (disposed) return;
      if (answer.ok) show(answer.data);
      else {
        setText(
          meta,
          answer.status === 409
            ? "This race is not over yet: its replay comes when it is."
            : apiErrorText(answer.error?.code, answer.error?.message),
        );
        element.dataset.state = "missing";
      }
    })
    .catch((error) => {
      if (!disposed && error instanceof Unreachable) app.unreachable();
    });

  return {
    element,
    title: "Replay",
    dispose() {
      disposed = true;
      stop();
    },
  };
}

/** One word: a span per character, marked for colouring, with the chosen player's caret and the others'. */
function wordElement(word: WordView, caret: number, others: Array<[number, string]>): HTMLElement {
  const element = h("span", { class: `word ${word.status}${word.blocking ? " word-blocking" : ""}` });
  word.chars.forEach((char, index) => {
    const span = h("span", { class: char.mark }, char.char);
    if (index === caret) span.classList.add("caret");
    element.append(span);
  });
  if (caret >= word.chars.length) element.lastElementChild?.classList.add("caret-after");
  // From the last position back, so that each marker goes in before the character it stands at.
  for (const [at, colour] of [...others].sort((a, b) => b[0] - a[0])) {
    const marker = h("span", { class: "other-caret", "aria-hidden": "true" });
    marker.style.background = colour;
    const target = element.children[Math.min(at, element.children.length)];
    if (target) element.insertBefore(marker, target);
    else element.append(marker);
  }
  return element;
}
