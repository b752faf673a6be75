import assert from "node:assert/strict";
import { BACKSPACE, type Key } from "../../src/game/keys.ts";
import {
  applyKey,
  finalInputs,
  type KeyOutcome,
  MAX_EXTRA_CHARS,
  newTypist,
  type Typist,
} from "../../src/game/typingEngine.ts";

// In scripts, "⌫" stands for Backspace; every other character is its own key.
function keysOf(script: string): Key[] {
  return [...script].map((char) => (char === "⌫" ? BACKSPACE : char));
}

function play(words: readonly string[], script: string): { typist: Typist; outcomes: KeyOutcome[] } {
  const typist = newTypist();
  const outcomes = keysOf(script).map((key) => applyKey(words, typist, key));
  return { typist, outcomes };
}

// Outcome letters: t typed, d deleted, a advanced, f finished, i ignored.
const OUTCOME_LETTERS: Record<string, KeyOutcome> = {
  t: "typed",
  d: "deleted",
  a: "advanced",
  f: "finished",
  i: "ignored",
};
function outcomesOf(letters: string): KeyOutcome[] {
  return [...letters].map((letter) => OUTCOME_LETTERS[letter]!);
}

interface Scenario {
  name: string;
  words: string[];
  script: string;
  outcomes: string;
  typist: Typist;
}

const scenarios: Scenario[] = [
  {
    name: "typing a word right keeps every keystroke correct",
    words: ["the", "cat"],
    script: "the",
    outcomes: "ttt",
    typist: { wordIndex: 0, input: "the", typed: [], keystrokes: 3, correctKeystrokes: 3, finished: false },
  },
  {
    name: "space after a right word advances and counts a correct keystroke",
    words: ["the", "cat"],
    script: "the ",
    outcomes: "ttta",
    typist: { wordIndex: 1, input: "", typed: ["the"], keystrokes: 4, correctKeystrokes: 4, finished: false },
  },
  {
    name: "a perfect race finishes on the last character, with no space after it",
    words: ["the", "cat"],
    script: "the cat",
    outcomes: "tttattf",
    typist: {
      wordIndex: 1,
      input: "cat",
      typed: ["the", "cat"],
      keystrokes: 7,
      correctKeystrokes: 7,
      finished: true,
    },
  },
  {
    name: "a wrong character is applied but not correct",
    words: ["the", "cat"],
    script: "thx",
    outcomes: "ttt",
    typist: { wordIndex: 0, input: "thx", typed: [], keystrokes: 3, correctKeystrokes: 2, finished: false },
  },
  {
    name: "correctness is by position: a right character after a wrong one is right",
    words: ["cat", "dog"],
    script: "xat",
    outcomes: "ttt",
    typist: { wordIndex: 0, input: "xat", typed: [], keystrokes: 3, correctKeystrokes: 2, finished: false },
  },
  {
    name: "space after a wrong word submits it anyway, as a wrong keystroke",
    words: ["the", "cat"],
    script: "thx ",
    outcomes: "ttta",
    typist: { wordIndex: 1, input: "", typed: ["thx"], keystrokes: 4, correctKeystrokes: 2, finished: false },
  },
  {
    name: "space after a short input submits it, as a wrong keystroke",
    words: ["the", "cat"],
    script: "th ",
    outcomes: "tta",
    typist: { wordIndex: 1, input: "", typed: ["th"], keystrokes: 3, correctKeystrokes: 2, finished: false },
  },
  {
    name: "Backspace removes the last character and is never counted",
    words: ["the", "cat"],
    script: "thx⌫",
    outcomes: "tttd",
    typist: { wordIndex: 0, input: "th", typed: [], keystrokes: 3, correctKeystrokes: 2, finished: false },
  },
  {
    name: "a corrected mistake still costs its keystroke",
    words: ["the", "cat"],
    script: "thx⌫e ",
    outcomes: "tttdta",
    typist: { wordIndex: 1, input: "", typed: ["the"], keystrokes: 5, correctKeystrokes: 4, finished: false },
  },
  {
    name: "Backspace on an empty input is ignored",
    words: ["the", "cat"],
    script: "⌫⌫t",
    outcomes: "iit",
    typist: { wordIndex: 0, input: "t", typed: [], keystrokes: 1, correctKeystrokes: 1, finished: false },
  },
  {
    name: "Backspace never crosses back into a submitted word",
    words: ["the", "cat"],
    script: "thx ⌫⌫",
    outcomes: "tttaii",
    typist: { wordIndex: 1, input: "", typed: ["thx"], keystrokes: 4, correctKeystrokes: 2, finished: false },
  },
  {
    name: "Backspace can empty the current word, and then stops",
    words: ["the", "cat"],
    script: "the c⌫⌫",
    outcomes: "tttatdi",
    typist: { wordIndex: 1, input: "", typed: ["the"], keystrokes: 5, correctKeystrokes: 5, finished: false },
  },
  {
    name: "space on an empty input is ignored and not counted, before the first word",
    words: ["the", "cat"],
    script: "  the",
    outcomes: "iittt",
    typist: { wordIndex: 0, input: "the", typed: [], keystrokes: 3, correctKeystrokes: 3, finished: false },
  },
  {
    name: "space on an empty input is ignored and not counted, between words",
    words: ["the", "cat", "sat"],
    script: "the   c",
    outcomes: "tttaiit",
    typist: {
      wordIndex: 1,
      input: "c",
      typed: ["the"],
      keystrokes: 5,
      correctKeystrokes: 5,
      finished: false,
    },
  },
  {
    name: "space after Backspace emptied the word is ignored",
    words: ["the", "cat"],
    script: "t⌫ ",
    outcomes: "tdi",
    typist: { wordIndex: 0, input: "", typed: [], keystrokes: 1, correctKeystrokes: 1, finished: false },
  },
  {
    name: "characters past the end of a word are applied as wrong, up to 8 extra",
    words: ["hi", "yo"],
    script: "hiabcdefgh",
    outcomes: "tttttttttt",
    typist: {
      wordIndex: 0,
      input: "hiabcdefgh",
      typed: [],
      keystrokes: 10,
      correctKeystrokes: 2,
      finished: false,
    },
  },
  {
    name: "a character beyond word length + 8 is ignored and not counted",
    words: ["hi", "yo"],
    script: "hiabcdefghij",
    outcomes: "ttttttttttii",
    typist: {
      wordIndex: 0,
      input: "hiabcdefgh",
      typed: [],
      keystrokes: 10,
      correctKeystrokes: 2,
      finished: false,
    },
  },
  {
    name: "at the extra-character limit, Backspace makes room for one more and space still submits",
    words: ["hi", "yo"],
    script: "hiabcdefghi⌫z ",
    outcomes: "ttttttttttidta",
    typist: {
      wordIndex: 1,
      input: "",
      typed: ["hiabcdefgz"],
      keystrokes: 12,
      correctKeystrokes: 2,
      finished: false,
    },
  },
  {
    name: "the last word finishes the race on reaching its length, typos or not",
    words: ["the", "cat"],
    script: "the cxx",
    outcomes: "tttattf",
    typist: {
      wordIndex: 1,
      input: "cxx",
      typed: ["the", "cxx"],
      keystrokes: 7,
      correctKeystrokes: 5,
      finished: true,
    },
  },
  {
    name: "space on the last word with a shorter input submits it and finishes",
    words: ["the", "cat"],
    script: "the ca ",
    outcomes: "tttattf",
    typist: {
      wordIndex: 1,
      input: "ca",
      typed: ["the", "ca"],
      keystrokes: 7,
      correctKeystrokes: 6,
      finished: true,
    },
  },
  {
    name: "space on an empty last word is ignored; the race goes on",
    words: ["the", "cat"],
    script: "the  ",
    outcomes: "tttai",
    typist: { wordIndex: 1, input: "", typed: ["the"], keystrokes: 4, correctKeystrokes: 4, finished: false },
  },
  {
    name: "a backspaced last word finishes when it reaches the length again",
    words: ["the", "cat"],
    script: "the cx⌫at",
    outcomes: "tttattdtf",
    typist: {
      wordIndex: 1,
      input: "cat",
      typed: ["the", "cat"],
      keystrokes: 8,
      correctKeystrokes: 7,
      finished: true,
    },
  },
  {
    name: "every key after finishing is ignored: characters, space, Backspace",
    words: ["the", "cat"],
    script: "the catx ⌫",
    outcomes: "tttattfiii",
    typist: {
      wordIndex: 1,
      input: "cat",
      typed: ["the", "cat"],
      keystrokes: 7,
      correctKeystrokes: 7,
      finished: true,
    },
  },
  {
    name: "a one-word race finishes on its last character",
    words: ["go"],
    script: "go",
    outcomes: "tf",
    typist: { wordIndex: 0, input: "go", typed: ["go"], keystrokes: 2, correctKeystrokes: 2, finished: true },
  },
  {
    name: "a one-letter last word finishes on its first key",
    words: ["be", "a"],
    script: "be x",
    outcomes: "ttaf",
    typist: {
      wordIndex: 1,
      input: "x",
      typed: ["be", "x"],
      keystrokes: 4,
      correctKeystrokes: 3,
      finished: true,
    },
  },
  {
    name: "a word longer than its target in the middle of the race does not finish it",
    words: ["a", "bc"],
    script: "abc",
    outcomes: "ttt",
    typist: { wordIndex: 0, input: "abc", typed: [], keystrokes: 3, correctKeystrokes: 1, finished: false },
  },
  {
    name: "non-ASCII characters are compared like any other: e is not é",
    words: ["café", "жук"],
    script: "cafe жук",
    outcomes: "ttttattf",
    typist: {
      wordIndex: 1,
      input: "жук",
      typed: ["cafe", "жук"],
      keystrokes: 8,
      correctKeystrokes: 6,
      finished: true,
    },
  },
  {
    name: "a race with no words ignores every key",
    words: [],
    script: "a ⌫",
    outcomes: "iii",
    typist: { wordIndex: 0, input: "", typed: [], keystrokes: 0, correctKeystrokes: 0, finished: false },
  },
];

describe("typingEngine", () => {
  it("allows 8 extra characters per word", () => {
    assert.equal(MAX_EXTRA_CHARS, 8);
  });

  it("starts a typist at the first word with nothing typed", () => {
    assert.deepEqual(newTypist(), {
      wordIndex: 0,
      input: "",
      typed: [],
      keystrokes: 0,
      correctKeystrokes: 0,
      finished: false,
    });
  });

  it("gives every typist its own state", () => {
    const first = newTypist();
    const second = newTypist();
    applyKey(["the", "cat"], first, "t");
    applyKey(["the", "cat"], first, " ");
    assert.deepEqual(second, newTypist());
  });

  describe("applyKey", () => {
    for (const scenario of scenarios) {
      it(scenario.name, () => {
        const { typist, outcomes } = play(scenario.words, scenario.script);
        assert.deepEqual(outcomes, outcomesOf(scenario.outcomes));
        assert.deepEqual(typist, scenario.typist);
      });
    }

    it("keeps charIndex (input.length) in step with every key", () => {
      const words = ["ab", "cd"];
      const typist = newTypist();
      const steps: Array<[Key, number, number]> = [
        // key, wordIndex after, charIndex after
        ["a", 0, 1],
        ["x", 0, 2],
        ["y", 0, 3],
        [BACKSPACE, 0, 2],
        [BACKSPACE, 0, 1],
        ["b", 0, 2],
        [" ", 1, 0],
        [BACKSPACE, 1, 0],
        ["c", 1, 1],
        ["d", 1, 2],
      ];
      for (const [key, wordIndex, charIndex] of steps) {
        applyKey(words, typist, key);
        assert.deepEqual([typist.wordIndex, typist.input.length], [wordIndex, charIndex], `after ${key}`);
      }
    });

    it("does not replace the typed array when a word is submitted", () => {
      const typist = newTypist();
      const typed = typist.typed;
      for (const key of keysOf("the cat")) applyKey(["the", "cat"], typist, key);
      assert.equal(typist.typed, typed);
    });
  });

  describe("finalInputs", () => {
    const cases: Array<[string, string[], string, string[]]> = [
      ["nothing typed", ["the", "cat"], "", []],
      ["only ignored keys", ["the", "cat"], "  ⌫", []],
      ["a word in progress", ["the", "cat"], "th", ["th"]],
      ["a word typed then erased", ["the", "cat"], "th⌫⌫", []],
      ["one word submitted", ["the", "cat"], "thx ", ["thx"]],
      ["one word submitted and the next in progress", ["the", "cat"], "the c", ["the", "c"]],
      ["a finished race, without counting the last word twice", ["the", "cat"], "the cat", ["the", "cat"]],
      ["a race finished by space", ["the", "cat"], "the c ", ["the", "c"]],
    ];
    for (const [name, words, script, expected] of cases) {
      it(name, () => {
        assert.deepEqual(finalInputs(play(words, script).typist), expected);
      });
    }

    it("returns a copy the caller may change", () => {
      const { typist } = play(["the", "cat"], "the c");
      finalInputs(typist).push("oops");
      assert.deepEqual(typist.typed, ["the"]);
      assert.equal(typist.input, "c");
    });
  });
});
