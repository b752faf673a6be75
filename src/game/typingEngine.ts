/**
 * The server's authoritative view of one player typing the race text: which word they are on, what
 * they have typed in it, and how many of their keystrokes were right. `applyKey` is called once per
 * key the player sends, so it mutates the typist in place and allocates nothing beyond the string
 * append of the current word's input.
 *
 * As in every typing race, a word is passed only by typing it exactly: a space after anything else
 * is a wrong keystroke and leaves the player on the word until they fix it, and the race is
 * finished the moment the last word is exact. So the words behind the player are always the text's
 * own, and a race is won only by typing its text.
 */
import { BACKSPACE, type Key, SPACE } from "./keys.ts";

export interface Typist {
  /** Index of the current word. */
  wordIndex: number;
  /** What the player has typed in the current word (its length is the product's `charIndex`). */
  input: string;
  /**
   * Characters of the text behind the player: the words passed, each with the space after it, and
   * the last word once finished.
   */
  doneChars: number;
  /** Counted keystrokes: character keys and spaces that were applied or refused; never Backspace. */
  keystrokes: number;
  correctKeystrokes: number;
  /** Positions of the text the player has typed a first key at; the first key is all that counts. */
  firstTries: number;
  /** Of those, the positions whose first key was right. */
  firstTriesRight: number;
  finished: boolean;
}

export function newTypist(): Typist {
  return {
    wordIndex: 0,
    input: "",
    doneChars: 0,
    keystrokes: 0,
    correctKeystrokes: 0,
    firstTries: 0,
    firstTriesRight: 0,
    finished: false,
  };
}

/**
 * - `typed`: a character was appended to the current word.
 * - `deleted`: Backspace removed the last character of the current word.
 * - `advanced`: space passed the word, typed exactly, and moved to the next one.
 * - `blocked`: space on a word that is not exactly right: a wrong keystroke, nothing moves.
 * - `finished`: the last word is exact; the race is over for this player.
 * - `ignored`: nothing changed and nothing was counted.
 */
export type KeyOutcome = "typed" | "deleted" | "advanced" | "blocked" | "finished" | "ignored";

/** How many characters a player may type past the end of a word before further ones are ignored. */
export const MAX_EXTRA_CHARS = 8;

/**
 * Applies one key to `typist`, which is typing `words`. `key` must come from `parseKey`.
 *
 * When the player finishes, `wordIndex` stays on the last word and its input is left in `input`,
 * so the cursor (`charIndex`) stays at the end of the text.
 */
export function applyKey(words: readonly string[], typist: Typist, key: Key): KeyOutcome {
  const word = words[typist.wordIndex];
  if (typist.finished || word === undefined) return "ignored";
  const input = typist.input;

  if (key === BACKSPACE) {
    // Passed words are final: Backspace never crosses back into the previous word.
    if (input.length === 0) return "ignored";
    typist.input = input.slice(0, -1);
    return "deleted";
  }

  // The text's position under the cursor: the character there, or the space after the word once
  // the input is as long as the word; past the end of the last word there is none.
  const pastTheText = typist.wordIndex === words.length - 1 && input.length >= word.length;
  const position = pastTheText ? -1 : typist.doneChars + Math.min(input.length, word.length);
  if (key === SPACE) {
    // A space between words is a separator, so a stray one before any character means nothing.
    if (input.length === 0) return "ignored";
    const right = input === word;
    count(typist, right, position);
    if (!right) return "blocked";
    // The last word finishes on its last character, so a space finds it exact only in a typist
    // rebuilt from elsewhere: it finishes there, never passes the end of the text.
    if (typist.wordIndex === words.length - 1) {
      typist.doneChars += word.length;
      typist.finished = true;
      return "finished";
    }
    typist.doneChars += word.length + 1;
    typist.wordIndex++;
    typist.input = "";
    return "advanced";
  }

  if (input.length >= word.length + MAX_EXTRA_CHARS) return "ignored";
  // Keys are one UTF-16 code unit; past the end of the word charCodeAt is NaN, so extras are wrong.
  count(typist, key.charCodeAt(0) === word.charCodeAt(input.length), position);
  const next = input + key;
  typist.input = next;
  if (typist.wordIndex === words.length - 1 && next === word) {
    typist.doneChars += word.length;
    typist.finished = true;
    return "finished";
  }
  return "typed";
}

/** Counts a keystroke; only the first key at a position of the text (-1: none) is its first try. */
function count(typist: Typist, right: boolean, position: number): void {
  typist.keystrokes++;
  if (right) typist.correctKeystrokes++;
  if (position < typist.firstTries) return;
  typist.firstTries = position + 1;
  if (right) typist.firstTriesRight++;
}

/** How many characters at the start of the current word's input are right. */
export function rightPrefix(word: string, input: string): number {
  const overlap = Math.min(word.length, input.length);
  let i = 0;
  while (i < overlap && input.charCodeAt(i) === word.charCodeAt(i)) i++;
  return i;
}
