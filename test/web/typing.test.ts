import assert from "node:assert/strict";
import {
  type CharMark,
  colourText,
  keysForEdit,
  type LocalTyping,
  liveWpm,
  newTyping,
  pressKey,
  progressOf,
  restoreTyping,
} from "../../web/src/typing.ts";

const WORDS = ["the", "quick", "fox"];

/** Types `text` key by key ("\b" is Backspace). */
function typed(text: string, words: readonly string[] = WORDS): { typing: LocalTyping; keys: string[] } {
  const typing = newTyping();
  const keys = [...text].map((char) => (char === "\b" ? "Backspace" : char));
  for (const key of keys) pressKey(words, typing, key);
  return { typing, keys };
}

/** The text's marks in a compact form: one letter per character, words separated by spaces. */
function marks(typing: LocalTyping, words: readonly string[] = WORDS): string {
  const letter: Record<CharMark, string> = {
    correct: "c",
    wrong: "w",
    extra: "e",
    untyped: ".",
    missed: "m",
    unknown: "?",
  };
  return colourText(words, typing)
    .map((word) => word.chars.map((char) => letter[char.mark]).join(""))
    .join(" ");
}

describe("web client: the typing colouring", () => {
  it("nothing typed: every character is untyped, the first word is current", () => {
    const view = colourText(WORDS, newTyping());
    assert.equal(marks(newTyping()), "... ..... ...");
    assert.deepEqual(
      view.map((word) => word.status),
      ["current", "upcoming", "upcoming"],
    );
  });

  const cases: Array<[string, string, string]> = [
    ["right characters are correct", "th", "cc. ..... ..."],
    ["a wrong character shows the target character, marked wrong", "tx", "cw. ..... ..."],
    ["characters past the end of the word are extras", "thexy", "cccee ..... ..."],
    ["Backspace takes a character back", "tx\bh", "cc. ..... ..."],
    ["a word submitted short leaves the rest missed", "t qu", "cmm cc... ..."],
    ["submitted words stay as they were", "the quack ", "ccc ccwcc ..."],
    ["the last word finishes the race at its length, right or wrong", "the quick fix", "ccc ccccc cwc"],
  ];
  for (const [story, text, expected] of cases) {
    it(story, () => {
      assert.equal(marks(typed(text).typing), expected);
    });
  }

  it("extras show the characters typed, not the word's", () => {
    const view = colourText(WORDS, typed("thexy").typing);
    assert.deepEqual(
      view[0]!.chars.map((char) => char.char),
      ["t", "h", "e", "x", "y"],
    );
  });

  it("a submitted word that is not exactly right is marked wrong; a right one is not", () => {
    const view = colourText(WORDS, typed("the quack ").typing);
    assert.deepEqual(
      view.map((word) => [word.status, word.wrong]),
      [
        ["typed", false],
        ["typed", true],
        ["current", false],
      ],
    );
  });

  it("once finished, no word is current", () => {
    const view = colourText(WORDS, typed("the quick fox").typing);
    assert.deepEqual(
      view.map((word) => word.status),
      ["typed", "typed", "typed"],
    );
  });

  it("ignored keys change nothing, as on the server: a space on an empty word, Backspace into a submitted word", () => {
    assert.equal(marks(typed(" the \b\b").typing), "ccc ..... ...");
    assert.equal(typed(" the \b\b").typing.typist.keystrokes, 4);
  });
});

describe("web client: keys from the typing field's edits", () => {
  const cases: Array<[string, string, string, string[]]> = [
    ["one character typed", "th", "the", ["e"]],
    ["one character deleted", "the", "th", ["Backspace"]],
    ["a space", "the", "the ", [" "]],
    ["a phone keyboard's no-break space is a space", "the", "the\u00a0", [" "]],
    [
      "a word replaced by autocorrect: Backspaces back to where it differs, then the new characters",
      "teh",
      "the",
      ["Backspace", "Backspace", "h", "e"],
    ],
    ["a suggestion inserted with its space", "qu", "quick ", ["i", "c", "k", " "]],
    ["unprintable characters are dropped", "a", "a\u0007b", ["b"]],
    ["nothing changed", "abc", "abc", []],
  ];
  for (const [story, before, after, keys] of cases) {
    it(story, () => {
      assert.deepEqual(keysForEdit(before, after), keys);
    });
  }
});

describe("web client: restoring the typing after a reload", () => {
  it("replays the kept keys when they end where the server says the player is", () => {
    const { keys } = typed("the qx");
    const restored = restoreTyping(WORDS, keys, { wordIndex: 1, charIndex: 2, finished: false });
    assert.deepEqual(restored.keys, keys);
    assert.equal(marks(restored.typing), "ccc cw... ...");
  });

  it("drops the kept keys the server never got (in flight when the page went away)", () => {
    const { keys } = typed("the quic");
    const restored = restoreTyping(WORDS, keys, { wordIndex: 1, charIndex: 2, finished: false });
    assert.deepEqual(restored.keys, ["t", "h", "e", " ", "q", "u"]);
    assert.equal(marks(restored.typing), "ccc cc... ...");
  });

  it("without kept keys: earlier words count as typed, the current word's characters as unknown", () => {
    const restored = restoreTyping(WORDS, [], { wordIndex: 1, charIndex: 2, finished: false });
    assert.deepEqual(restored.keys, []);
    assert.equal(marks(restored.typing), "??? ??... ...");
    assert.equal(colourText(WORDS, restored.typing)[0]!.wrong, false);
    // Typing on from there is judged as ever: the rules need positions, not the lost characters.
    pressKey(WORDS, restored.typing, "x");
    assert.equal(marks(restored.typing), "??? ??w.. ...");
    pressKey(WORDS, restored.typing, "Backspace");
    pressKey(WORDS, restored.typing, "Backspace");
    assert.equal(marks(restored.typing), "??? ?.... ...");
  });

  it("without kept keys, extras past the end of the current word are unknown too", () => {
    const restored = restoreTyping(WORDS, [], { wordIndex: 0, charIndex: 5, finished: false });
    assert.equal(restored.typing.typist.input.length, 5);
    assert.equal(marks(restored.typing), "????? ..... ...");
  });

  it("keys that do not fit the server's position at all are not used", () => {
    const { keys } = typed("tha");
    const restored = restoreTyping(WORDS, keys, { wordIndex: 1, charIndex: 0, finished: false });
    assert.deepEqual(restored.keys, []);
    assert.equal(restored.typing.typist.wordIndex, 1);
  });
});

describe("web client: progress and live wpm", () => {
  it("progress counts characters and the spaces between words", () => {
    // 3 + 5 + 3 characters and 2 spaces: 13.
    assert.equal(progressOf(WORDS, { wordIndex: 0, charIndex: 0, finished: false }), 0);
    assert.equal(progressOf(WORDS, { wordIndex: 1, charIndex: 0, finished: false }), 4 / 13);
    assert.equal(progressOf(WORDS, { wordIndex: 1, charIndex: 9, finished: false }), 9 / 13);
    assert.equal(progressOf(WORDS, { wordIndex: 2, charIndex: 3, finished: true }), 1);
  });

  it("live wpm is the server's formula at this moment", () => {
    // "the quick" right and a space: (3 + 5 + 1) / 5 words in 6 s.
    const { typing } = typed("the quick ");
    assert.equal(liveWpm(WORDS, typing, 6_000), 18);
    assert.equal(liveWpm(WORDS, newTyping(), 6_000), 0);
  });
});
