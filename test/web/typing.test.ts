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
  typingAtPosition,
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
    ["a space on a short word is refused: the keys after it stay in the word", "t qu", "cww ..... ..."],
    ["a space on a wrong word is refused: the player stays on it", "the quack ", "ccc ccwcc ..."],
    ["a passed word shows right, fixed typos and all", "thx\be quick ", "ccc ccccc ..."],
    [
      "a last word with a typo at full length is shown as typed, waiting for the fix",
      "the quick fix",
      "ccc ccccc cwc",
    ],
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

  // Each word's status, with "!" when it is blocking.
  const blockingCases: Array<[string, string, string]> = [
    ["a word with only right characters does not block", "th", "current upcoming upcoming"],
    ["a wrong character blocks the current word", "tx", "current! upcoming upcoming"],
    ["extra characters block the current word", "thexy", "current! upcoming upcoming"],
    [
      "the word stops blocking once its mistake is erased, before it is complete",
      "tx\b",
      "current upcoming upcoming",
    ],
    ["a refused space leaves the wrong word current and blocking", "the quack ", "typed current! upcoming"],
    ["a passed word never blocks, the new current one neither", "the quick ", "typed typed current"],
    [
      "a last word with a typo at full length blocks: the race is not over",
      "the quick fix",
      "typed typed current!",
    ],
    ["once finished, no word is current or blocking", "the quick fix\b\box", "typed typed typed"],
  ];
  for (const [story, text, expected] of blockingCases) {
    it(story, () => {
      const view = colourText(WORDS, typed(text).typing);
      assert.equal(view.map((word) => `${word.status}${word.blocking ? "!" : ""}`).join(" "), expected);
    });
  }

  it("a finished race shows every character right, typos fixed on the way included", () => {
    assert.equal(marks(typed("the quick fix\b\box").typing), "ccc ccccc ccc");
  });

  it("ignored keys change nothing, as on the server: a space on an empty word, Backspace into a passed word", () => {
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
    assert.deepEqual(
      colourText(WORDS, restored.typing).map((word) => word.blocking),
      [false, false, false],
    );
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
    // Extras are a mistake whatever they were: the word blocks until they are erased.
    assert.equal(colourText(WORDS, restored.typing)[0]!.blocking, true);
  });

  it("keeps a refused space with the keys before it: it leaves the player where they were", () => {
    const { keys } = typed("tx ");
    const restored = restoreTyping(WORDS, keys, { wordIndex: 0, charIndex: 2, finished: false });
    assert.deepEqual(restored.keys, ["t", "x", " "]);
    assert.equal(restored.typing.typist.keystrokes, 3);
    assert.equal(marks(restored.typing), "cw. ..... ...");
  });

  it("without kept keys, an unfinished last word as long as the word holds a mistake: a space stays blocked", () => {
    const { typing } = restoreTyping(WORDS, [], {
      wordIndex: WORDS.length - 1,
      charIndex: WORDS.at(-1)!.length,
      finished: false,
    });
    assert.notEqual(typing.typist.input, WORDS.at(-1));
    assert.equal(pressKey(WORDS, typing, " "), "blocked");
    assert.equal(typing.typist.finished, false);
  });

  it("without kept keys, a finished player is through the whole text", () => {
    const { typist } = typingAtPosition(WORDS, { wordIndex: 2, charIndex: 3, finished: true });
    assert.deepEqual(
      [typist.wordIndex, typist.input, typist.doneChars, typist.finished],
      [2, "fox", 13, true],
    );
    assert.equal(liveWpm(WORDS, { typist, unknownPrefix: [] }, 6_000), 26);
  });

  it("without kept keys, the position's characters count as typed right", () => {
    // the␣ passed and qu: 6 characters of progress, and as many keystrokes and first tries, all right.
    const typing = typingAtPosition(WORDS, { wordIndex: 1, charIndex: 2, finished: false });
    assert.deepEqual(
      [typing.typist.doneChars, typing.typist.keystrokes, typing.typist.firstTriesRight],
      [4, 6, 6],
    );
    assert.equal(liveWpm(WORDS, typing, 6_000), 12);
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
    // "the quick" passed, each word with its space: (3 + 1 + 5 + 1) / 5 words in 6 s.
    assert.equal(liveWpm(WORDS, typed("the quick ").typing, 6_000), 20);
    // A blocked space is no progress, and neither is the wrong tail: "the" + space + "qu".
    assert.equal(liveWpm(WORDS, typed("the quack ").typing, 6_000), 12);
    assert.equal(liveWpm(WORDS, newTyping(), 6_000), 0);
  });
});
