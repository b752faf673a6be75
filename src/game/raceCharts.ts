/**
 * A race's own charts, from one player's keystroke log played through the typing rules: their
 * speed second by second, the speed of each word, and the characters they missed most. Pure,
 * shared by the server and the web client. The formulas are documented next to the statistics in
 * docs/protocol.md.
 */
import type { LoggedKey } from "./keystrokeLog.ts";
import { playKeys } from "./replay.ts";
import { computeStats, wordsPerMinute } from "./stats.ts";
import { applyKey, newTypist } from "./typingEngine.ts";

/**
 * Second by second, as Monkeytype's result chart: the moments (s since the start) and, at each,
 * the net and raw wpm so far and the wrong keystrokes since the moment before.
 */
export interface Timeline {
  seconds: number[];
  /** the race's `wpm` at that moment: the text got through / 5 / minutes since the start */
  wpm: number[];
  /** the race's `wpmRaw` at that moment: keystrokes so far / 5 / minutes since the start */
  raw: number[];
  /** wrong keystrokes since the moment before */
  errors: number[];
}

const MS_PER_SECOND = 1_000;

/**
 * The timeline of a log: a moment at each whole second from the start to the player's last key
 * (their finishing key, or where they stopped), and one at that last key when it falls between
 * seconds, so that a finisher's line ends on their result (Monkeytype leaves out a last part
 * shorter than half a second). A key exactly on a second counts in the second it ends.
 */
export function timelineOf(words: readonly string[], keys: readonly LoggedKey[]): Timeline {
  const end = keys.at(-1)?.at ?? 0;
  const moments: number[] = [];
  for (let ms = MS_PER_SECOND; ms <= end; ms += MS_PER_SECOND) moments.push(ms);
  if (end % MS_PER_SECOND !== 0) moments.push(end);

  const timeline: Timeline = { seconds: [], wpm: [], raw: [], errors: [] };
  const typist = newTypist();
  let played = 0;
  for (const moment of moments) {
    const wrongBefore = typist.keystrokes - typist.correctKeystrokes;
    while (played < keys.length && keys[played]!.at <= moment) applyKey(words, typist, keys[played++]!.key);
    const stats = computeStats(words, typist, moment);
    timeline.seconds.push(moment / MS_PER_SECOND);
    timeline.wpm.push(stats.wpm);
    timeline.raw.push(stats.wpmRaw);
    timeline.errors.push(typist.keystrokes - typist.correctKeystrokes - wrongBefore);
  }
  return timeline;
}

/** How fast one word of the text went. */
export interface WordSpeed {
  /** its index in the text */
  index: number;
  word: string;
  /** ms from the moment the word was reached to the key that passed it */
  ms: number;
  wpm: number;
}

/**
 * The speed of each word the player passed (a finisher: every word), in the text's order. A word's
 * time runs from the key that passed the word before it (its space) to the key that passed it (its
 * own space; the last word's finishing key), and covers the word and its space; the hesitation
 * before a hard word counts against it. The first word is timed from the player's first key, whose
 * character is then not counted: the reaction to the start is no part of the word.
 */
export function wordSpeedsOf(words: readonly string[], keys: readonly LoggedKey[]): WordSpeed[] {
  const speeds: WordSpeed[] = [];
  let reachedAt = keys[0]?.at ?? 0;
  playKeys(words, keys, ({ at, outcome, wordIndex }) => {
    if (outcome !== "advanced" && outcome !== "finished") return;
    const word = words[wordIndex]!;
    const chars = word.length + (outcome === "advanced" ? 1 : 0) - (wordIndex === 0 ? 1 : 0);
    const ms = at - reachedAt;
    speeds.push({ index: wordIndex, word, ms, wpm: wordsPerMinute(chars, ms) });
    reachedAt = at;
  });
  return speeds;
}

/** A character of the text the player missed, and how often. */
export interface MissedCharacter {
  /** the text's character (" ": the space after a word) */
  char: string;
  misses: number;
}

/**
 * The characters the player missed, most missed first (then in the text's alphabet order): each
 * wrong keystroke counts against the character it was aimed at — the word's character under the
 * caret, or the space after the word for a character typed past its end. A space refused on a word
 * already as long as it was missed nothing new: the mistake in the word was counted when it was made.
 */
export function missedCharactersOf(words: readonly string[], keys: readonly LoggedKey[]): MissedCharacter[] {
  const misses = new Map<string, number>();
  playKeys(words, keys, ({ counted, right, target, outcome }) => {
    if (!counted || right || (outcome === "blocked" && target === " ")) return;
    misses.set(target, (misses.get(target) ?? 0) + 1);
  });
  return [...misses]
    .map(([char, count]) => ({ char, misses: count }))
    .sort((a, b) => b.misses - a.misses || (a.char < b.char ? -1 : a.char > b.char ? 1 : 0));
}
