/**
 * A player's race figures, from their typist state and how long they typed. Every word behind the
 * player was typed exactly (a space passes only an exact word, src/game/typingEngine.ts), so:
 *
 * - `wpm`: the characters of the text the player got through — the words passed with the space after
 *   each, and the right start of the word in progress — / 5 per word / minutes. A finisher got
 *   through the whole text.
 * - `wpmRaw`: every counted keystroke — characters and spaces, right or wrong, refused spaces
 *   included, never Backspace — / 5 / minutes: how fast the fingers went.
 * - `acc`: 100 × correct keystrokes / keystrokes, so typos fixed with Backspace still cost accuracy.
 * - `accRaw`: 100 × the text's positions whose first key was right / the positions typed at: the
 *   accuracy at first try, which no correction changes.
 *
 * Every figure is rounded to 2 decimals. A figure that would divide by zero is 0 instead of NaN or
 * Infinity: both wpm figures when no time passed (elapsedMs ≤ 0), `acc` when no keystroke was
 * counted, `accRaw` when no position was typed at.
 */
import { rightPrefix, type Typist } from "./typingEngine.ts";

export interface RaceStats {
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
}

const CHARS_PER_WORD = 5;
const MS_PER_MINUTE = 60_000;

/** The characters of the text the typist got through. */
export function progressChars(words: readonly string[], typist: Typist): number {
  if (typist.finished) return typist.doneChars;
  return typist.doneChars + rightPrefix(words[typist.wordIndex] ?? "", typist.input);
}

/** `chars` in `elapsedMs`, as words of 5 characters per minute, rounded to 2 decimals (0 without time). */
export function wordsPerMinute(chars: number, elapsedMs: number): number {
  const rate = chars / CHARS_PER_WORD / (elapsedMs / MS_PER_MINUTE);
  return elapsedMs > 0 && Number.isFinite(rate) ? round2(rate) : 0;
}

export function computeStats(words: readonly string[], typist: Typist, elapsedMs: number): RaceStats {
  return {
    wpm: wordsPerMinute(progressChars(words, typist), elapsedMs),
    wpmRaw: wordsPerMinute(typist.keystrokes, elapsedMs),
    acc: typist.keystrokes > 0 ? round2((100 * typist.correctKeystrokes) / typist.keystrokes) : 0,
    accRaw: typist.firstTries > 0 ? round2((100 * typist.firstTriesRight) / typist.firstTries) : 0,
  };
}

/**
 * Rounds to 2 decimals, halves away from zero. Scaling by 100 first goes through 15 significant
 * digits so that binary noise does not decide the rounding (1.005 * 100 is 100.49999999999999).
 */
export function round2(x: number): number {
  const scaled = Number((Math.abs(x) * 100).toPrecision(15));
  const rounded = Math.round(scaled) / 100;
  // Keep -0 out of the results: -0.001 rounds to 0, not -0.
  return x < 0 && rounded > 0 ? -rounded : rounded;
}
