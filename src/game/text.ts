/**
 * The race text: a sequence of common English words drawn at random. The source of randomness is
 * passed in, so a race's text can be reproduced from its seed and tests are deterministic.
 */
import englishWords from "./words/english-1k.json" with { type: "json" };

/** About 1,200 common English words, most frequent first; see words/SOURCE.md. */
export const WORD_LIST: readonly string[] = Object.freeze(englishWords);

/**
 * Draws `count` words from `list` (distinct words), each uniformly among those allowed. Words may
 * come back later in the text, but never twice in a row: "the the" reads like a typo and is a trap
 * to type. `random` returns numbers in [0, 1), like Math.random.
 */
export function pickWords(
  count: number,
  random: () => number,
  list: readonly string[] = WORD_LIST,
): string[] {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`count must be a non-negative integer, got ${count}`);
  }
  // One word needs a list of one; more need two, to alternate between.
  if (list.length < Math.min(count, 2)) {
    throw new RangeError(`cannot pick ${count} words from a list of ${list.length} without a repeat`);
  }
  const words: string[] = [];
  let previous = -1;
  for (let i = 0; i < count; i++) {
    // After the first word, draw among the other words only: shift indexes at or past the previous one.
    const choices = previous < 0 ? list.length : list.length - 1;
    let index = Math.floor(random() * choices);
    if (previous >= 0 && index >= previous) index++;
    const word = list[index];
    if (word === undefined) throw new RangeError("random() must return a number in [0, 1)");
    words.push(word);
    previous = index;
  }
  return words;
}
