/**
 * The server's authoritative view of one player typing the race text: which word they are on, what
 * they have typed in it, and how many of their keystrokes were right. `applyKey` is called once per
 * key the player sends, so it mutates the typist in place and allocates nothing beyond the string
 * append of the current word's input (and one array slot when a word is submitted).
 */
import { BACKSPACE, type Key, SPACE } from "./keys.ts";

export interface Typist {
  /** Index of the current word. */
  wordIndex: number;
  /** What the player has typed in the current word (its length is the product's `charIndex`). */
  input: string;
  /** Final inputs of the words already submitted, in order. */
  typed: string[];
  /** Counted keystrokes: character keys and spaces that were applied; never Backspace. */
  keystrokes: number;
  correctKeystrokes: number;
  finished: boolean;
}

export function newTypist(): Typist {
  return { wordIndex: 0, input: "", typed: [], keystrokes: 0, correctKeystrokes: 0, finished: false };
}

/**
 * - `typed`: a character was appended to the current word.
 * - `deleted`: Backspace removed the last character of the current word.
 * - `advanced`: space submitted the current word and moved to the next one.
 * - `finished`: the last word was submitted; the race is over for this player.
 * - `ignored`: nothing changed and nothing was counted.
 */
export type KeyOutcome = "typed" | "deleted" | "advanced" | "finished" | "ignored";

/** How many characters a player may type past the end of a word before further ones are ignored. */
export const MAX_EXTRA_CHARS = 8;

/**
 * Applies one key to `typist`, which is typing `words`. `key` must come from `parseKey`.
 *
 * When the player finishes, their last word's final input is both pushed to `typed` and left in
 * `input`, and `wordIndex` stays on the last word, so the cursor (`charIndex`) stays at the end of
 * the text they typed.
 */
export function applyKey(words: readonly string[], typist: Typist, key: Key): KeyOutcome {
  const word = words[typist.wordIndex];
  if (typist.finished || word === undefined) return "ignored";
  const input = typist.input;

  if (key === BACKSPACE) {
    // Submitted words are final: Backspace never crosses back into the previous word.
    if (input.length === 0) return "ignored";
    typist.input = input.slice(0, -1);
    return "deleted";
  }

  if (key === SPACE) {
    // A space between words is a separator, so a stray one before any character means nothing.
    if (input.length === 0) return "ignored";
    typist.keystrokes++;
    if (input === word) typist.correctKeystrokes++;
    typist.typed.push(input);
    if (typist.wordIndex === words.length - 1) {
      typist.finished = true;
      return "finished";
    }
    typist.wordIndex++;
    typist.input = "";
    return "advanced";
  }

  if (input.length >= word.length + MAX_EXTRA_CHARS) return "ignored";
  typist.keystrokes++;
  // Keys are one UTF-16 code unit; past the end of the word charCodeAt is NaN, so extras are wrong.
  if (key.charCodeAt(0) === word.charCodeAt(input.length)) typist.correctKeystrokes++;
  const next = input + key;
  typist.input = next;
  // The race ends the moment the last word is as long as its target, typos or not: nobody has to
  // press space after the final word.
  if (typist.wordIndex === words.length - 1 && next.length === word.length) {
    typist.typed.push(next);
    typist.finished = true;
    return "finished";
  }
  return "typed";
}

/** Everything the player has entered so far: the submitted words plus the word in progress, if any. */
export function finalInputs(typist: Typist): string[] {
  return typist.finished || typist.input.length === 0 ? [...typist.typed] : [...typist.typed, typist.input];
}
