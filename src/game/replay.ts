/**
 * A stored keystroke log played back through the typing rules (src/game/typingEngine.ts): where
 * the player ended up, what each key did, and their figures at any moment of the race. Replays,
 * the race's charts (src/game/raceCharts.ts), the API and ghost racers all go through here, so what
 * they show is what the server decided.
 */
import { BACKSPACE, type Key } from "./keys.ts";
import { decodeKeystrokeLog, type LoggedKey } from "./keystrokeLog.ts";
import { scoredTimeMs } from "./race/result.ts";
import { computeStats, type RaceStats } from "./stats.ts";
import { applyKey, type KeyOutcome, newTypist, type Typist } from "./typingEngine.ts";

/** Where a player ended up: their stored keystroke log replayed through the typing rules. */
export function replayKeystrokes(words: readonly string[], log: Uint8Array): Typist {
  const typist = newTypist();
  for (const { key } of decodeKeystrokeLog(log)) applyKey(words, typist, key);
  return typist;
}

/** One key of a log, as the typing engine took it. */
export interface PlayedKey {
  key: Key;
  /** ms since the start */
  at: number;
  outcome: KeyOutcome;
  /** the word the caret was in when the key came */
  wordIndex: number;
  /** a keystroke the statistics count: a character or a space, applied or refused */
  counted: boolean;
  /** counted, and right */
  right: boolean;
  /**
   * The character the key was aimed at: the word's character under the caret, or " " (the space
   * after the word) once the input is as long as the word; "" for Backspace.
   */
  target: string;
}

/** Plays `keys` in order, telling `visit` what each did (the typist after it); answers the typist. */
export function playKeys(
  words: readonly string[],
  keys: readonly LoggedKey[],
  visit: (played: PlayedKey, typist: Typist) => void,
): Typist {
  const typist = newTypist();
  for (const { key, at } of keys) {
    const wordIndex = typist.wordIndex;
    const word = words[wordIndex] ?? "";
    const typed = typist.input.length;
    const counted = typist.keystrokes;
    const correct = typist.correctKeystrokes;
    const outcome = applyKey(words, typist, key);
    visit(
      {
        key,
        at,
        outcome,
        wordIndex,
        counted: typist.keystrokes > counted,
        right: typist.correctKeystrokes > correct,
        target: key === BACKSPACE ? "" : (word[typed] ?? " "),
      },
      typist,
    );
  }
  return typist;
}

/** What a log scores by the race's rules: its figures, the time they are over, and whether it finished. */
export interface LogScore extends RaceStats {
  finished: boolean;
  durationMs: number;
}

/**
 * The figures `keys` score by the race's rules (src/game/race/race.ts): exactly those stored with
 * the result they came from.
 */
export function scoreOfLog(words: readonly string[], keys: readonly LoggedKey[]): LogScore {
  const typist = playKeys(words, keys, () => {});
  const durationMs =
    keys.length === 0 ? 0 : scoredTimeMs(typist.finished, keys[0]!.at, keys[keys.length - 1]!.at);
  return { finished: typist.finished, durationMs, ...computeStats(words, typist, durationMs) };
}

/**
 * A player's log played to any moment of the race, as a replay's playhead moves: forwards key by
 * key, backwards (a scrubber dragged back) by playing again from the start.
 */
export class LogPlayer {
  readonly #words: readonly string[];
  readonly #keys: readonly LoggedKey[];
  #typist = newTypist();
  /** keys applied so far */
  #played = 0;
  /** ms since the start of the finishing key, once played */
  #finishedAt: number | undefined;

  constructor(words: readonly string[], keys: readonly LoggedKey[]) {
    this.#words = words;
    this.#keys = keys;
  }

  /** The typist as it stood `ms` after the start: every key at or before then applied. */
  seek(ms: number): Typist {
    if (this.#played > 0 && this.#keys[this.#played - 1]!.at > ms) {
      this.#typist = newTypist();
      this.#played = 0;
      this.#finishedAt = undefined;
    }
    while (this.#played < this.#keys.length && this.#keys[this.#played]!.at <= ms) {
      const { key, at } = this.#keys[this.#played++]!;
      if (applyKey(this.#words, this.#typist, key) === "finished") this.#finishedAt = at;
    }
    return this.#typist;
  }

  get typist(): Typist {
    return this.#typist;
  }

  /**
   * The figures `ms` after the start, as the race showed them live: over the time since the start
   * while the player types, their result's once they have finished.
   */
  figuresAt(ms: number): RaceStats {
    const typist = this.seek(ms);
    return computeStats(this.#words, typist, this.#finishedAt ?? ms);
  }
}
