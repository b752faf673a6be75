import assert from "node:assert/strict";
import { BACKSPACE, type Key, SPACE } from "../../src/game/keys.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";
import {
  applyKey,
  type KeyOutcome,
  MAX_EXTRA_CHARS,
  newTypist,
  rightPrefix,
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

// Outcome letters: t typed, d deleted, a advanced, b blocked, f finished, i ignored.
const OUTCOME_LETTERS: Record<string, KeyOutcome> = {
  t: "typed",
  d: "deleted",
  a: "advanced",
  b: "blocked",
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
  /** Where the typist ends up: the current word's index and its input. */
  at: [wordIndex: number, input: string];
  doneChars: number;
  keystrokes: [counted: number, correct: number];
  firstTries: [positions: number, right: number];
  finished?: boolean;
}

function typistOf(scenario: Scenario): Typist {
  return {
    wordIndex: scenario.at[0],
    input: scenario.at[1],
    doneChars: scenario.doneChars,
    keystrokes: scenario.keystrokes[0],
    correctKeystrokes: scenario.keystrokes[1],
    firstTries: scenario.firstTries[0],
    firstTriesRight: scenario.firstTries[1],
    finished: scenario.finished ?? false,
  };
}

// Text positions of "the cat": t0 h1 e2 ␣3 c4 a5 t6.
const scenarios: Scenario[] = [
  // Passing words
  {
    name: "typing a word right keeps every keystroke correct",
    words: ["the", "cat"],
    script: "the",
    outcomes: "ttt",
    at: [0, "the"],
    doneChars: 0,
    keystrokes: [3, 3],
    firstTries: [3, 3],
  },
  {
    name: "a space after an exact word passes it with its space, a correct keystroke",
    words: ["the", "cat"],
    script: "the ",
    outcomes: "ttta",
    at: [1, ""],
    doneChars: 4,
    keystrokes: [4, 4],
    firstTries: [4, 4],
  },
  {
    name: "every exact word passes in turn",
    words: ["a", "big", "cat"],
    script: "a big c",
    outcomes: "tatttat",
    at: [2, "c"],
    doneChars: 6,
    keystrokes: [7, 7],
    firstTries: [7, 7],
  },
  {
    name: "a perfect race finishes on the last character, with no space after it",
    words: ["the", "cat"],
    script: "the cat",
    outcomes: "tttattf",
    at: [1, "cat"],
    doneChars: 7,
    keystrokes: [7, 7],
    firstTries: [7, 7],
    finished: true,
  },

  // Spaces that do not pass the word
  {
    name: "a space on a wrong word is blocked: a wrong keystroke, and the player stays on the word",
    words: ["the", "cat"],
    script: "thx ",
    outcomes: "tttb",
    at: [0, "thx"],
    doneChars: 0,
    keystrokes: [4, 2],
    firstTries: [4, 2],
  },
  {
    name: "a space on a short word is blocked, a wrong first try where the missing character belongs",
    words: ["the", "cat"],
    script: "th ",
    outcomes: "ttb",
    at: [0, "th"],
    doneChars: 0,
    keystrokes: [3, 2],
    firstTries: [3, 2],
  },
  {
    name: "a space on a word with an extra character is blocked",
    words: ["the", "cat"],
    script: "thee ",
    outcomes: "ttttb",
    at: [0, "thee"],
    doneChars: 0,
    keystrokes: [5, 3],
    firstTries: [4, 3],
  },
  {
    name: "a space on a wrong word is blocked however often it is pressed, and each one is counted",
    words: ["the", "cat"],
    script: "thx   ",
    outcomes: "tttbbb",
    at: [0, "thx"],
    doneChars: 0,
    keystrokes: [6, 2],
    firstTries: [4, 2],
  },
  {
    name: "a character after a blocked space goes on in the same word",
    words: ["the", "cat"],
    script: "th c",
    outcomes: "ttbt",
    at: [0, "thc"],
    doneChars: 0,
    keystrokes: [4, 2],
    firstTries: [3, 2],
  },
  {
    name: "a blocked word fixed with Backspace passes on the next space",
    words: ["the", "cat"],
    script: "thx ⌫e ",
    outcomes: "tttbdta",
    at: [1, ""],
    doneChars: 4,
    keystrokes: [6, 4],
    firstTries: [4, 2],
  },
  {
    name: "a short word completed after a blocked space passes on the next space",
    words: ["the", "cat"],
    script: "th e ",
    outcomes: "ttbta",
    at: [1, ""],
    doneChars: 4,
    keystrokes: [5, 4],
    firstTries: [4, 3],
  },
  {
    name: "extra characters erased after a blocked space: the next space passes the word",
    words: ["the", "cat"],
    script: "thexy ⌫⌫ ",
    outcomes: "tttttbdda",
    at: [1, ""],
    doneChars: 4,
    keystrokes: [7, 4],
    firstTries: [4, 3],
  },

  // Backspace
  {
    name: "Backspace removes the last character and is never counted",
    words: ["the", "cat"],
    script: "thx⌫",
    outcomes: "tttd",
    at: [0, "th"],
    doneChars: 0,
    keystrokes: [3, 2],
    firstTries: [3, 2],
  },
  {
    name: "a corrected mistake still costs its keystroke",
    words: ["the", "cat"],
    script: "thx⌫e ",
    outcomes: "tttdta",
    at: [1, ""],
    doneChars: 4,
    keystrokes: [5, 4],
    firstTries: [4, 3],
  },
  {
    name: "Backspace on an empty input is ignored",
    words: ["the", "cat"],
    script: "⌫⌫t",
    outcomes: "iit",
    at: [0, "t"],
    doneChars: 0,
    keystrokes: [1, 1],
    firstTries: [1, 1],
  },
  {
    name: "Backspace never crosses back into a passed word",
    words: ["the", "cat"],
    script: "the ⌫⌫",
    outcomes: "tttaii",
    at: [1, ""],
    doneChars: 4,
    keystrokes: [4, 4],
    firstTries: [4, 4],
  },
  {
    name: "Backspace can empty the current word, and then stops",
    words: ["the", "cat"],
    script: "the c⌫⌫",
    outcomes: "tttatdi",
    at: [1, ""],
    doneChars: 4,
    keystrokes: [5, 5],
    firstTries: [5, 5],
  },

  // Stray spaces
  {
    name: "a space before any character is ignored and not counted, before the first word",
    words: ["the", "cat"],
    script: "  the",
    outcomes: "iittt",
    at: [0, "the"],
    doneChars: 0,
    keystrokes: [3, 3],
    firstTries: [3, 3],
  },
  {
    name: "a space before any character is ignored and not counted, between words",
    words: ["the", "cat", "sat"],
    script: "the   c",
    outcomes: "tttaiit",
    at: [1, "c"],
    doneChars: 4,
    keystrokes: [5, 5],
    firstTries: [5, 5],
  },
  {
    name: "a space after Backspace emptied the word is ignored",
    words: ["the", "cat"],
    script: "t⌫ ",
    outcomes: "tdi",
    at: [0, ""],
    doneChars: 0,
    keystrokes: [1, 1],
    firstTries: [1, 1],
  },

  // Extra characters
  {
    name: "characters past the end of a word are applied as wrong, up to 8 extra",
    words: ["hi", "yo"],
    script: "hiabcdefgh",
    outcomes: "tttttttttt",
    at: [0, "hiabcdefgh"],
    doneChars: 0,
    keystrokes: [10, 2],
    firstTries: [3, 2],
  },
  {
    name: "a character beyond word length + 8 is ignored and not counted",
    words: ["hi", "yo"],
    script: "hiabcdefghij",
    outcomes: "ttttttttttii",
    at: [0, "hiabcdefgh"],
    doneChars: 0,
    keystrokes: [10, 2],
    firstTries: [3, 2],
  },
  {
    name: "at the extra-character limit, Backspace makes room for one more, and a space is still blocked",
    words: ["hi", "yo"],
    script: "hiabcdefghi⌫z ",
    outcomes: "ttttttttttidtb",
    at: [0, "hiabcdefgz"],
    doneChars: 0,
    keystrokes: [12, 2],
    firstTries: [3, 2],
  },
  {
    name: "a word longer than its target in the middle of the race neither passes nor finishes",
    words: ["a", "bc"],
    script: "abc",
    outcomes: "ttt",
    at: [0, "abc"],
    doneChars: 0,
    keystrokes: [3, 1],
    firstTries: [2, 1],
  },

  // Correctness by position
  {
    name: "a wrong character is applied but not correct",
    words: ["the", "cat"],
    script: "thx",
    outcomes: "ttt",
    at: [0, "thx"],
    doneChars: 0,
    keystrokes: [3, 2],
    firstTries: [3, 2],
  },
  {
    name: "correctness is by position: a right character after a wrong one is right",
    words: ["cat", "dog"],
    script: "xat",
    outcomes: "ttt",
    at: [0, "xat"],
    doneChars: 0,
    keystrokes: [3, 2],
    firstTries: [3, 2],
  },
  {
    name: "correctness is by position: a skipped character makes the next one wrong",
    words: ["cat", "dog"],
    script: "ct",
    outcomes: "tt",
    at: [0, "ct"],
    doneChars: 0,
    keystrokes: [2, 1],
    firstTries: [2, 1],
  },
  {
    name: "non-ASCII characters are compared like any other: e is not é",
    words: ["café", "жук"],
    script: "cafe ⌫é жук",
    outcomes: "ttttbdtattf",
    at: [1, "жук"],
    doneChars: 8,
    keystrokes: [10, 8],
    firstTries: [8, 6],
    finished: true,
  },

  // The last word
  {
    name: "a last word with a typo at full length does not finish the race",
    words: ["the", "cat"],
    script: "the cxt",
    outcomes: "tttattt",
    at: [1, "cxt"],
    doneChars: 4,
    keystrokes: [7, 6],
    firstTries: [7, 6],
  },
  {
    name: "a last word with a typo, fixed with Backspace, finishes on its last right character",
    words: ["the", "cat"],
    script: "the cxt⌫⌫at",
    outcomes: "tttatttddtf",
    at: [1, "cat"],
    doneChars: 7,
    keystrokes: [9, 8],
    firstTries: [7, 6],
    finished: true,
  },
  {
    name: "a space on a short last word is blocked: the race goes on",
    words: ["the", "cat"],
    script: "the ca ",
    outcomes: "tttattb",
    at: [1, "ca"],
    doneChars: 4,
    keystrokes: [7, 6],
    firstTries: [7, 6],
  },
  {
    name: "a space on a wrong last word at full length is blocked and tries no position: the text is over",
    words: ["the", "cat"],
    script: "the cxt ",
    outcomes: "tttatttb",
    at: [1, "cxt"],
    doneChars: 4,
    keystrokes: [8, 6],
    firstTries: [7, 6],
  },
  {
    name: "extra characters on the last word are wrong and try no position",
    words: ["the", "cat"],
    script: "the cxtxx",
    outcomes: "tttattttt",
    at: [1, "cxtxx"],
    doneChars: 4,
    keystrokes: [9, 6],
    firstTries: [7, 6],
  },
  {
    name: "a last word with extras finishes once they are erased and it is exact",
    words: ["the", "cat"],
    script: "the caxt⌫⌫t",
    outcomes: "tttattttddf",
    at: [1, "cat"],
    doneChars: 7,
    keystrokes: [9, 7],
    firstTries: [7, 6],
    finished: true,
  },
  {
    name: "the last word takes 8 extra characters too, and ignores the rest",
    words: ["go"],
    script: "gxabcdefghij",
    outcomes: "ttttttttttii",
    at: [0, "gxabcdefgh"],
    doneChars: 0,
    keystrokes: [10, 1],
    firstTries: [2, 1],
  },
  {
    name: "every key after finishing is ignored: characters, space, Backspace",
    words: ["the", "cat"],
    script: "the catx ⌫",
    outcomes: "tttattfiii",
    at: [1, "cat"],
    doneChars: 7,
    keystrokes: [7, 7],
    firstTries: [7, 7],
    finished: true,
  },
  {
    name: "a one-word race finishes on its last character",
    words: ["go"],
    script: "go",
    outcomes: "tf",
    at: [0, "go"],
    doneChars: 2,
    keystrokes: [2, 2],
    firstTries: [2, 2],
    finished: true,
  },
  {
    name: "a one-letter last word finishes on its right key, not on a wrong one",
    words: ["be", "a"],
    script: "be x⌫a",
    outcomes: "ttatdf",
    at: [1, "a"],
    doneChars: 4,
    keystrokes: [5, 4],
    firstTries: [4, 3],
    finished: true,
  },
  {
    name: "a race with no words ignores every key",
    words: [],
    script: "a ⌫",
    outcomes: "iii",
    at: [0, ""],
    doneChars: 0,
    keystrokes: [0, 0],
    firstTries: [0, 0],
  },

  // First tries
  {
    name: "first tries: retyping a position after Backspace does not count again",
    words: ["the", "cat"],
    script: "tx⌫⌫the",
    outcomes: "ttddttt",
    at: [0, "the"],
    doneChars: 0,
    keystrokes: [5, 4],
    firstTries: [3, 2],
  },
  {
    name: "first tries: a right first key stays right whatever is typed there later",
    words: ["the", "cat"],
    script: "t⌫x⌫t",
    outcomes: "tdtdt",
    at: [0, "t"],
    doneChars: 0,
    keystrokes: [3, 2],
    firstTries: [1, 1],
  },
  {
    name: "first tries: an extra character where the space belongs is a wrong first try at the space",
    words: ["the", "cat"],
    script: "thex⌫ c",
    outcomes: "ttttdat",
    at: [1, "c"],
    doneChars: 4,
    keystrokes: [6, 5],
    firstTries: [5, 4],
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
      doneChars: 0,
      keystrokes: 0,
      correctKeystrokes: 0,
      firstTries: 0,
      firstTriesRight: 0,
      finished: false,
    });
  });

  it("gives every typist its own state", () => {
    const first = newTypist();
    const second = newTypist();
    for (const key of keysOf("thx ⌫e c")) applyKey(["the", "cat"], first, key);
    assert.deepEqual(second, newTypist());
    for (const key of keysOf("t")) applyKey(["the", "cat"], second, key);
    assert.deepEqual(first, play(["the", "cat"], "thx ⌫e c").typist);
  });

  describe("applyKey", () => {
    for (const scenario of scenarios) {
      it(scenario.name, () => {
        const { typist, outcomes } = play(scenario.words, scenario.script);
        assert.deepEqual(outcomes, outcomesOf(scenario.outcomes));
        assert.deepEqual(typist, typistOf(scenario));
      });
    }

    it("keeps charIndex (input.length) and doneChars in step with every key", () => {
      const words = ["ab", "cd"];
      const typist = newTypist();
      const steps: Array<[Key, string, number, number, number]> = [
        // key, outcome, wordIndex after, charIndex after, doneChars after
        [SPACE, "i", 0, 0, 0],
        [BACKSPACE, "i", 0, 0, 0],
        ["a", "t", 0, 1, 0],
        ["x", "t", 0, 2, 0],
        [SPACE, "b", 0, 2, 0],
        ["y", "t", 0, 3, 0],
        [SPACE, "b", 0, 3, 0],
        [BACKSPACE, "d", 0, 2, 0],
        [BACKSPACE, "d", 0, 1, 0],
        ["b", "t", 0, 2, 0],
        [SPACE, "a", 1, 0, 3],
        [BACKSPACE, "i", 1, 0, 3],
        [SPACE, "i", 1, 0, 3],
        ["c", "t", 1, 1, 3],
        ["x", "t", 1, 2, 3],
        [SPACE, "b", 1, 2, 3],
        ["y", "t", 1, 3, 3],
        [BACKSPACE, "d", 1, 2, 3],
        [BACKSPACE, "d", 1, 1, 3],
        ["d", "f", 1, 2, 5],
        ["e", "i", 1, 2, 5],
        [SPACE, "i", 1, 2, 5],
        [BACKSPACE, "i", 1, 2, 5],
      ];
      for (const [key, outcome, wordIndex, charIndex, doneChars] of steps) {
        assert.equal(applyKey(words, typist, key), OUTCOME_LETTERS[outcome], `outcome of ${key}`);
        assert.deepEqual(
          [typist.wordIndex, typist.input.length, typist.doneChars],
          [wordIndex, charIndex, doneChars],
          `after ${key}`,
        );
      }
    });

    it("a typist rebuilt with an exact last word finishes on a space, never passing the end of the text", () => {
      const words = ["the", "fox"];
      const typist = { ...newTypist(), wordIndex: 1, input: "fox", doneChars: 4 };
      assert.equal(applyKey(words, typist, " "), "finished");
      assert.deepEqual([typist.wordIndex, typist.doneChars, typist.finished], [1, 7, true]);
    });

    it("moves nothing on a blocked space: it counts the keystroke, and the first try if it is one", () => {
      const words = ["the", "cat"];
      const { typist } = play(words, "the cx");
      const before = structuredClone(typist);
      assert.equal(applyKey(words, typist, SPACE), "blocked");
      // The space is the first key at the position of the missing "t": a wrong first try.
      assert.deepEqual(typist, {
        ...before,
        keystrokes: before.keystrokes + 1,
        firstTries: before.firstTries + 1,
      });
      assert.equal(applyKey(words, typist, SPACE), "blocked");
      assert.deepEqual(typist, {
        ...before,
        keystrokes: before.keystrokes + 2,
        firstTries: before.firstTries + 1,
      });
    });

    it("whatever the keys, the words behind the player are the text's own and the counts hold together", () => {
      const words = ["the", "quick", "brown", "fox"];
      const textLength = words.join(" ").length;
      const random = seededRandom(7);
      const strays: Key[] = ["x", "q", "e", SPACE, SPACE, BACKSPACE, BACKSPACE, BACKSPACE];
      let finishes = 0;
      let blocks = 0;
      for (let round = 0; round < 300; round++) {
        const typist = newTypist();
        for (let i = 0; i < 120 && !typist.finished; i++) {
          const word = words[typist.wordIndex]!;
          // Mostly what a careful typist presses next, so that races get somewhere; otherwise a stray key.
          const wanted =
            rightPrefix(word, typist.input) < typist.input.length
              ? BACKSPACE
              : typist.input === word
                ? SPACE
                : word[typist.input.length]!;
          const key = random() < 0.7 ? wanted : strays[Math.floor(random() * strays.length)]!;
          const before = structuredClone(typist);
          const outcome = applyKey(words, typist, key);
          const context = `${JSON.stringify(before)} + ${JSON.stringify(key)} → ${outcome}`;

          const counted = typist.keystrokes - before.keystrokes;
          assert.equal(
            counted,
            ["typed", "blocked", "advanced", "finished"].includes(outcome) ? 1 : 0,
            context,
          );
          if (outcome === "ignored" || outcome === "deleted") {
            assert.deepEqual({ ...typist, input: before.input }, before, context);
          }
          if (outcome === "blocked") {
            blocks++;
            assert.deepEqual(
              { ...typist, keystrokes: before.keystrokes, firstTries: before.firstTries },
              before,
              context,
            );
          }
          if (outcome === "finished") finishes++;

          const passed = words.slice(0, typist.wordIndex).reduce((sum, w) => sum + w.length + 1, 0);
          const current = words[typist.wordIndex]!;
          assert.equal(typist.doneChars, passed + (typist.finished ? current.length : 0), context);
          assert.equal(
            typist.finished,
            typist.wordIndex === words.length - 1 && typist.input === words.at(-1),
            context,
          );
          assert.ok(typist.input.length <= current.length + MAX_EXTRA_CHARS, context);
          assert.ok(typist.correctKeystrokes <= typist.keystrokes, context);
          assert.ok(typist.firstTriesRight <= typist.firstTries, context);
          assert.ok(typist.firstTriesRight <= typist.correctKeystrokes, context);
          assert.ok(typist.firstTries <= Math.min(typist.keystrokes, textLength), context);
          assert.ok(typist.firstTries >= typist.doneChars, context);
          if (typist.finished) assert.equal(typist.firstTries, textLength, context);
        }
      }
      // The walk must have met both the race's end and the rule's refusals to prove anything.
      assert.ok(finishes > 50 && blocks > 50, `${finishes} finishes, ${blocks} blocked spaces`);
    });
  });

  describe("rightPrefix", () => {
    const cases: Array<[string, string, number]> = [
      ["cat", "", 0],
      ["cat", "c", 1],
      ["cat", "ca", 2],
      ["cat", "cat", 3],
      ["cat", "x", 0],
      ["cat", "cx", 1],
      ["cat", "cxt", 1],
      ["cat", "xat", 0],
      ["cat", "catx", 3],
      ["cat", "cxtxx", 1],
      ["", "x", 0],
      ["café", "cafe", 3],
      ["жук", "жук", 3],
    ];
    for (const [word, input, expected] of cases) {
      it(`${JSON.stringify(input)} typed for ${JSON.stringify(word)} starts with ${expected} right`, () => {
        assert.equal(rightPrefix(word, input), expected);
      });
    }
  });
});
