/**
 * The local player's typing, predicted with the server's own rules: the page runs the same pure
 * typing engine (src/game/typingEngine.ts) on the same keys it sends, so the colouring it shows is
 * what the server decides. The server stays the authority on positions and ranks; after a reload the
 * page rebuilds its typing from the keys it kept, or, when they are gone, from the server's position.
 */
import { BACKSPACE, type Key, parseKey, SPACE } from "../../src/game/keys.ts";
import { computeStats } from "../../src/game/stats.ts";
import {
  applyKey,
  type KeyOutcome,
  newTypist,
  rightPrefix,
  type Typist,
} from "../../src/game/typingEngine.ts";

export interface LocalTyping {
  typist: Typist;
  /**
   * Per word, how many leading characters of its input this page cannot know (the typing was
   * restored from the server's position, which carries no characters). Usually empty.
   */
  unknownPrefix: number[];
}

export function newTyping(): LocalTyping {
  return { typist: newTypist(), unknownPrefix: [] };
}

export function pressKey(words: readonly string[], typing: LocalTyping, key: Key): KeyOutcome {
  const { typist } = typing;
  const wordIndex = typist.wordIndex;
  const outcome = applyKey(words, typist, key);
  if (outcome === "deleted") {
    const unknown = typing.unknownPrefix[wordIndex];
    if (unknown !== undefined) typing.unknownPrefix[wordIndex] = Math.min(unknown, typist.input.length);
  }
  return outcome;
}

/** Where the server says a player is (the synced `RacePlayer` fields). */
export interface ServerPosition {
  wordIndex: number;
  charIndex: number;
  finished: boolean;
}

const positionOf = (typist: Typist): ServerPosition => ({
  wordIndex: typist.wordIndex,
  charIndex: typist.input.length,
  finished: typist.finished,
});

const samePosition = (a: ServerPosition, b: ServerPosition) =>
  a.wordIndex === b.wordIndex && a.charIndex === b.charIndex && a.finished === b.finished;

/**
 * The typing after a reload: the kept keys replayed, up to the longest run of them that ends where
 * the server says the player is (keys still in flight when the page went away never arrived). When
 * no run of keys ends there, the characters are unknown: words before the server's word count as
 * typed, the current word's first `charIndex` characters as typed-unknown.
 */
export function restoreTyping(
  words: readonly string[],
  keptKeys: readonly Key[],
  server: ServerPosition,
): { typing: LocalTyping; keys: Key[] } {
  const replay = newTyping();
  let matched = samePosition(positionOf(replay.typist), server) ? 0 : -1;
  keptKeys.forEach((key, index) => {
    pressKey(words, replay, key);
    if (samePosition(positionOf(replay.typist), server)) matched = index + 1;
  });
  if (matched >= 0) {
    const keys = keptKeys.slice(0, matched);
    const typing = newTyping();
    for (const key of keys) pressKey(words, typing, key);
    return { typing, keys };
  }
  return { typing: typingAtPosition(words, server), keys: [] };
}

/** A typist standing where the server says, its characters unknown (taken as right). */
export function typingAtPosition(words: readonly string[], server: ServerPosition): LocalTyping {
  const typist = newTypist();
  const unknownPrefix: number[] = [];
  const last = Math.min(server.wordIndex, words.length - 1);
  for (let i = 0; i < last; i++) {
    const word = words[i]!;
    unknownPrefix[i] = word.length;
    typist.doneChars += word.length + 1;
  }
  const word = words[last] ?? "";
  // Past the end of the word the characters were extras: "?" never matches a target character. An
  // unfinished last word as long as the word holds a mistake somewhere: its last character stands for it.
  let input = server.finished ? word : word.slice(0, server.charIndex).padEnd(server.charIndex, "?");
  if (!server.finished && last === words.length - 1 && input === word) input = `${word.slice(0, -1)}?`;
  typist.wordIndex = last;
  typist.input = input;
  if (server.finished) {
    typist.doneChars += word.length;
    typist.finished = true;
  }
  const typed = typist.doneChars + (server.finished ? 0 : Math.min(input.length, word.length));
  typist.keystrokes = typist.correctKeystrokes = typist.firstTries = typist.firstTriesRight = typed;
  unknownPrefix[last] = input.length;
  return { typist, unknownPrefix };
}

/**
 * The keys that turn what the typing field showed into what it shows now: one Backspace per
 * character removed from the end, then one key per character added. Mobile keyboards often replace
 * text instead of sending key events, so the page reads every edit as this difference. Whitespace
 * (a no-break space from a phone keyboard, say) is a space; other unprintable characters are dropped.
 */
export function keysForEdit(before: string, after: string): Key[] {
  let common = 0;
  while (common < before.length && common < after.length && before[common] === after[common]) common++;
  const keys: Key[] = [];
  for (let i = common; i < before.length; i++) keys.push(BACKSPACE);
  for (let i = common; i < after.length; i++) {
    const char = after[i]!;
    const key = /\s/.test(char) ? SPACE : parseKey(char);
    if (key !== null) keys.push(key);
  }
  return keys;
}

/** How a character of the text is shown. */
export type CharMark =
  /** typed, and the right character */
  | "correct"
  /** typed, but another character: the target character is shown marked wrong */
  | "wrong"
  /** typed past the end of the word: the typed character is shown */
  | "extra"
  /** not typed yet */
  | "untyped"
  /** typed before a reload that lost what it was */
  | "unknown";

interface CharView {
  char: string;
  mark: CharMark;
}

export interface WordView {
  chars: CharView[];
  /** `typed`: passed (typed exactly); `current`: the caret is in it; `upcoming`: not reached */
  status: "typed" | "current" | "upcoming";
  /** the current word holds a mistake: the player stays on it until it is fixed */
  blocking: boolean;
}

/** The text as the player sees it, word by word and character by character. */
export function colourText(words: readonly string[], typing: LocalTyping): WordView[] {
  const { typist } = typing;
  return words.map((word, index): WordView => {
    const passed = index < typist.wordIndex || typist.finished;
    if (index > typist.wordIndex) {
      return {
        chars: [...word].map((char) => ({ char, mark: "untyped" })),
        status: "upcoming",
        blocking: false,
      };
    }
    const input = passed ? word : typist.input;
    const unknown = typing.unknownPrefix[index] ?? 0;
    const chars: CharView[] = [];
    for (let p = 0; p < Math.max(word.length, input.length); p++) {
      if (p < unknown) chars.push({ char: word[p] ?? input[p]!, mark: "unknown" });
      else if (p >= word.length) chars.push({ char: input[p]!, mark: "extra" });
      else if (p >= input.length) chars.push({ char: word[p]!, mark: "untyped" });
      else chars.push({ char: word[p]!, mark: input[p] === word[p] ? "correct" : "wrong" });
    }
    const blocking = !passed && rightPrefix(word, input) < input.length;
    return { chars, status: passed ? "typed" : "current", blocking };
  });
}

/** The player's wpm so far, as the server would compute it at this moment. */
export function liveWpm(words: readonly string[], typing: LocalTyping, elapsedMs: number): number {
  return computeStats(words, typing.typist, elapsedMs).wpm;
}

/** How far through the text a player is, 0 to 1, from the synced position. */
export function progressOf(words: readonly string[], position: ServerPosition): number {
  if (position.finished) return 1;
  let total = Math.max(0, words.length - 1);
  let done = Math.min(position.wordIndex, words.length);
  words.forEach((word, index) => {
    total += word.length;
    if (index < position.wordIndex) done += word.length;
    else if (index === position.wordIndex) done += Math.min(position.charIndex, word.length);
  });
  return total === 0 ? 0 : Math.min(1, done / total);
}
