/**
 * A player's race figures, from their typist state and how long they typed.
 *
 * The attempted words are `finalInputs(typist)`: every word for a player who finished, the words
 * submitted so far plus the one in progress for a player who did not. With n attempted words:
 *
 * - `wpm`: (characters of the attempted words typed exactly right + the n − 1 spaces between them)
 *   / 5 per word / minutes. A word counts only when its final input equals it exactly.
 * - `wpmRaw`: the same with every character the player left in their final inputs, right or not.
 * - `acc`: 100 × correct keystrokes / keystrokes, so typos fixed with Backspace still cost accuracy.
 * - `accRaw`: 100 × characters of the final inputs that match the word at the same position /
 *   characters of the attempted words (a word in progress counts with its full length).
 *
 * Every figure is rounded to 2 decimals. A figure that would divide by zero is 0 instead of NaN or
 * Infinity: both wpm figures when nothing was attempted or no time passed (elapsedMs ≤ 0), `acc`
 * when no keystroke was counted, `accRaw` when nothing was attempted.
 */
import { finalInputs, type Typist } from "./typingEngine.ts";

export interface RaceStats {
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
}

const CHARS_PER_WORD = 5;
const MS_PER_MINUTE = 60_000;

export function computeStats(words: readonly string[], typist: Typist, elapsedMs: number): RaceStats {
  const attempted = finalInputs(typist);
  const n = attempted.length;
  let correctWordChars = 0;
  let inputChars = 0;
  let targetChars = 0;
  let rightPlaceChars = 0;
  for (let i = 0; i < n; i++) {
    const input = attempted[i]!;
    const word = words[i] ?? "";
    if (input === word) correctWordChars += word.length;
    inputChars += input.length;
    targetChars += word.length;
    const overlap = Math.min(input.length, word.length);
    for (let c = 0; c < overlap; c++) {
      if (input.charCodeAt(c) === word.charCodeAt(c)) rightPlaceChars++;
    }
  }

  const timed = n > 0 && elapsedMs > 0;
  const minutes = elapsedMs / MS_PER_MINUTE;
  const spaces = n - 1;
  return {
    wpm: timed ? round2((correctWordChars + spaces) / CHARS_PER_WORD / minutes) : 0,
    wpmRaw: timed ? round2((inputChars + spaces) / CHARS_PER_WORD / minutes) : 0,
    acc: typist.keystrokes > 0 ? round2((100 * typist.correctKeystrokes) / typist.keystrokes) : 0,
    accRaw: targetChars > 0 ? round2((100 * rightPlaceChars) / targetChars) : 0,
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
