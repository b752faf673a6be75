import assert from "node:assert/strict";
import { BACKSPACE, type Key, SPACE } from "../../src/game/keys.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";
import { computeStats, progressChars, type RaceStats, round2 } from "../../src/game/stats.ts";
import { applyKey, newTypist, rightPrefix, type Typist } from "../../src/game/typingEngine.ts";

// In scripts, "⌫" stands for Backspace; every other character is its own key.
function typistAfter(words: readonly string[], script: string): Typist {
  const typist = newTypist();
  for (const char of script) applyKey(words, typist, char === "⌫" ? BACKSPACE : char);
  return typist;
}

// 3 + 5 + 5 + 3 = 16 characters and 3 spaces: a text of 19 characters, 3.8 words of 5.
const WORDS = ["the", "quick", "brown", "fox"];

interface Case {
  name: string;
  words?: string[];
  script: string;
  elapsedMs: number;
  stats: RaceStats;
  /** How the figures were worked out by hand. */
  why: string;
}

const cases: Case[] = [
  // Finishers: wpm is always the whole text.
  {
    name: "a perfect race",
    script: "the quick brown fox",
    elapsedMs: 6000,
    stats: { wpm: 38, wpmRaw: 38, acc: 100, accRaw: 100 },
    why: "19 chars / 5 = 3.8 words in 0.1 min; 19 of 19 keystrokes right; 19 of 19 first tries right",
  },
  {
    name: "a typo corrected with Backspace",
    script: "thw⌫e quick brown fox",
    elapsedMs: 6000,
    stats: { wpm: 38, wpmRaw: 40, acc: 95, accRaw: 94.74 },
    why:
      "wpm: the whole text, 38; wpmRaw: 20 keystrokes (Backspace not counted) / 5 / 0.1 = 40; " +
      "acc: the w wrong, 19/20; accRaw: the e's position was first tried with w, 18/19 = 94.736…",
  },
  {
    name: "a space blocked on a typo, then the typo fixed",
    script: "thw ⌫e quick brown fox",
    elapsedMs: 6000,
    stats: { wpm: 38, wpmRaw: 42, acc: 90.48, accRaw: 89.47 },
    why:
      "wpmRaw: 21 keystrokes, the blocked space included / 5 / 0.1 = 42; acc: w and the blocked space " +
      "wrong, 19/21 = 90.476…; accRaw: w first at the e, the blocked space first at the space: 17/19 = 89.473…",
  },
  {
    name: "an extra character erased before the space",
    script: "thee⌫ quick brown fox",
    elapsedMs: 6000,
    stats: { wpm: 38, wpmRaw: 40, acc: 95, accRaw: 94.74 },
    why:
      "wpmRaw: 20 keystrokes; acc: the extra e wrong, 19/20; " +
      "accRaw: the extra e was the first key where the space belongs, 18/19",
  },
  {
    name: "spaces on an empty input are not counted",
    script: "  the  quick brown   fox",
    elapsedMs: 6000,
    stats: { wpm: 38, wpmRaw: 38, acc: 100, accRaw: 100 },
    why: "the same as a perfect race: ignored spaces change nothing",
  },
  {
    name: "repeated blocked spaces, each one counted",
    script: "teh   ⌫⌫he quick brown fox",
    elapsedMs: 6000,
    stats: { wpm: 38, wpmRaw: 48, acc: 79.17, accRaw: 84.21 },
    why:
      "wpmRaw: t e h, 3 blocked spaces, h e, then 16 keys = 24 / 5 / 0.1 = 48; acc: t, h e, the passing " +
      "space and 15 more right = 19/24 = 79.166…; accRaw: e, h and the first blocked space wrong first, 16/19",
  },
  {
    name: "a last word with a typo at full length, fixed: the race finishes",
    script: "the quick brown fix⌫⌫ox",
    elapsedMs: 6000,
    stats: { wpm: 38, wpmRaw: 42, acc: 95.24, accRaw: 94.74 },
    why: "21 keystrokes, the i wrong: 20/21 = 95.238…; the o's position first tried with i: 18/19",
  },

  // Players who did not finish: wpm counts the passed words and the right start of the current one.
  {
    name: "a player who did not finish, halfway through a word",
    script: "the quick br",
    elapsedMs: 30_000,
    stats: { wpm: 4.8, wpmRaw: 4.8, acc: 100, accRaw: 100 },
    why: "progress: the␣ quick␣ br = 12 chars / 5 / 0.5 min = 4.8; 12 keystrokes, all right",
  },
  {
    name: "a player who did not finish, right after a space",
    script: "the ",
    elapsedMs: 60_000,
    stats: { wpm: 0.8, wpmRaw: 0.8, acc: 100, accRaw: 100 },
    why: "a passed word counts with its space: 4 chars / 5 / 1 min = 0.8",
  },
  {
    name: "a wrong tail of the current word is not progress, even where it is right again",
    script: "the quick brxw",
    elapsedMs: 30_000,
    stats: { wpm: 4.8, wpmRaw: 5.6, acc: 92.86, accRaw: 92.86 },
    why:
      "progress: 10 + br (x is wrong, so the w after it does not count) = 12 / 5 / 0.5 = 4.8; " +
      "wpmRaw: 14 / 5 / 0.5 = 5.6; acc and accRaw: only x wrong (w is right at its position), 13/14 = 92.857…",
  },
  {
    name: "a player stuck on a wrong word, pressing space",
    script: "the quack   ",
    elapsedMs: 60_000,
    stats: { wpm: 1.2, wpmRaw: 2.4, acc: 66.67, accRaw: 80 },
    why:
      "progress: the␣ + qu = 6 / 5 / 1 = 1.2; wpmRaw: 12 / 5 / 1 = 2.4; acc: the␣ q u c k right, a and " +
      "3 spaces wrong: 8/12; accRaw: 10 positions, the 10th tried by the first blocked space; it and a wrong: 8/10",
  },
  {
    name: "a last word with a typo at full length: not finished",
    script: "the quick brown fix",
    elapsedMs: 6000,
    stats: { wpm: 34, wpmRaw: 38, acc: 94.74, accRaw: 94.74 },
    why: "progress: 16 + f = 17 / 5 / 0.1 = 34; 19 keystrokes, i wrong: 18/19; the i was a first try too",
  },
  {
    name: "extra characters on the last word cost keystrokes but no first try",
    script: "the quick brown fooo",
    elapsedMs: 6000,
    stats: { wpm: 36, wpmRaw: 40, acc: 90, accRaw: 94.74 },
    why:
      "progress: 16 + fo = 18 / 5 / 0.1 = 36; wpmRaw: 20 / 5 / 0.1 = 40; acc: the second o (at x) and the " +
      "extra o wrong, 18/20; accRaw: the extra o is past the end of the text, so 18 of 19 positions",
  },
  {
    name: "a wrong word in progress, partly erased",
    script: "txy⌫⌫",
    elapsedMs: 12_000,
    stats: { wpm: 1, wpmRaw: 3, acc: 33.33, accRaw: 33.33 },
    why: "progress: t = 1 / 5 / 0.2 = 1; wpmRaw: 3 / 5 / 0.2 = 3; t right, x and y wrong: 1/3, at first try too",
  },
  {
    name: "wrong keys all erased",
    script: "xyz⌫⌫⌫",
    elapsedMs: 6000,
    stats: { wpm: 0, wpmRaw: 6, acc: 0, accRaw: 0 },
    why: "no progress; the fingers still typed 3 keystrokes / 5 / 0.1 = 6; none right; 0 of 3 first tries",
  },
  {
    name: "figures that need rounding",
    words: ["abc"],
    script: "axc",
    elapsedMs: 7000,
    stats: { wpm: 1.71, wpmRaw: 5.14, acc: 66.67, accRaw: 66.67 },
    why: "'axc' is not 'abc', not finished: progress a = 1 / 5 / (7/60 min) = 1.714…; 3 keystrokes: 5.142…; 2/3",
  },

  // Divisions by zero
  {
    name: "no key at all",
    script: "",
    elapsedMs: 5000,
    stats: { wpm: 0, wpmRaw: 0, acc: 0, accRaw: 0 },
    why: "no progress and no keystroke; the accuracies would divide by zero",
  },
  {
    name: "only ignored keys",
    script: "  ⌫",
    elapsedMs: 5000,
    stats: { wpm: 0, wpmRaw: 0, acc: 0, accRaw: 0 },
    why: "ignored keys are not keystrokes and try no position",
  },
  {
    name: "no time elapsed",
    script: "the quick brown fox",
    elapsedMs: 0,
    stats: { wpm: 0, wpmRaw: 0, acc: 100, accRaw: 100 },
    why: "wpm figures would divide by zero; the accuracies do not depend on time",
  },
  {
    name: "a negative elapsed time",
    script: "the quick brown fox",
    elapsedMs: -250,
    stats: { wpm: 0, wpmRaw: 0, acc: 100, accRaw: 100 },
    why: "a clock glitch must not produce a negative speed",
  },
  {
    name: "an elapsed time that is not a number",
    script: "the quick brown fox",
    elapsedMs: Number.NaN,
    stats: { wpm: 0, wpmRaw: 0, acc: 100, accRaw: 100 },
    why: "NaN is no time passed, not a NaN speed",
  },
];

describe("stats", () => {
  describe("progressChars", () => {
    const cases: Array<[string, string, number]> = [
      ["nothing typed", "", 0],
      ["the right start of the first word", "th", 2],
      ["not a wrong tail", "thx", 2],
      ["not extra characters", "thex", 3],
      ["not a blocked space", "thx ", 2],
      ["a passed word with its space", "the ", 4],
      ["not stray spaces", "the   ", 4],
      ["passed words and the right start of the current one", "the quick bxown", 11],
      ["a last word with a typo at full length: its right start only", "the quick brown fix", 17],
      ["a finisher: the whole text", "the quick brown fox", 19],
      ["a finisher who fixed the last word", "the quick brown fix⌫⌫ox", 19],
    ];
    for (const [name, script, expected] of cases) {
      it(`${name} (${JSON.stringify(script)}: ${expected})`, () => {
        assert.equal(progressChars(WORDS, typistAfter(WORDS, script)), expected);
      });
    }
  });

  describe("computeStats", () => {
    for (const c of cases) {
      it(`${c.name} (${c.why})`, () => {
        const words = c.words ?? WORDS;
        assert.deepEqual(computeStats(words, typistAfter(words, c.script), c.elapsedMs), c.stats);
      });
    }

    it("gives 0, not NaN or Infinity, for a duration too small to divide by", () => {
      const done = { ...newTypist(), doneChars: 9, keystrokes: 9, correctKeystrokes: 9, finished: true };
      for (const elapsedMs of [5e-324, 1e-304]) {
        const { wpm, wpmRaw } = computeStats(["the", "cat"], done, elapsedMs);
        assert.deepEqual([wpm, wpmRaw], [0, 0], String(elapsedMs));
      }
    });

    it("does not change the typist", () => {
      const typist = typistAfter(WORDS, "the qx ");
      const before = structuredClone(typist);
      computeStats(WORDS, typist, 1000);
      assert.deepEqual(typist, before);
    });

    const elapsed = [-1, 0, 1, 999, 60_000, Number.NaN, Number.POSITIVE_INFINITY];
    function assertWithinBounds(stats: RaceStats, context: string) {
      for (const value of Object.values(stats)) assert.ok(Number.isFinite(value), context);
      assert.ok(stats.wpm >= 0 && stats.wpmRaw >= 0, context);
      assert.ok(stats.acc >= 0 && stats.acc <= 100, context);
      assert.ok(stats.accRaw >= 0 && stats.accRaw <= 100, context);
    }

    it("gives finite figures within their bounds for any sequence of keys", () => {
      const random = seededRandom(2024);
      const strays: Key[] = ["x", "q", "e", SPACE, SPACE, BACKSPACE, BACKSPACE];
      let finishers = 0;
      for (let round = 0; round < 500; round++) {
        const typist = newTypist();
        const length = Math.floor(random() * 60);
        for (let i = 0; i < length; i++) {
          const word = WORDS[typist.wordIndex]!;
          // Half the time what a careful typist presses next, so that some races finish.
          const wanted =
            rightPrefix(word, typist.input) < typist.input.length
              ? BACKSPACE
              : typist.input === word
                ? SPACE
                : word[typist.input.length]!;
          applyKey(WORDS, typist, random() < 0.5 ? wanted : strays[Math.floor(random() * strays.length)]!);
        }
        if (typist.finished) finishers++;
        // The words behind the player were all typed, so progress never outruns the keystrokes.
        assert.ok(progressChars(WORDS, typist) <= typist.correctKeystrokes, JSON.stringify(typist));
        for (const elapsedMs of elapsed) {
          const stats = computeStats(WORDS, typist, elapsedMs);
          const context = `${JSON.stringify(typist)} in ${elapsedMs} ms: ${JSON.stringify(stats)}`;
          assertWithinBounds(stats, context);
          assert.ok(stats.wpm <= stats.wpmRaw, context);
        }
      }
      assert.ok(finishers > 20, `${finishers} finishers`);
    });

    it("gives finite figures within their bounds for any typist, even one no key sequence makes", () => {
      // Typists rebuilt from elsewhere (a reload that knows only the position) need not add up.
      const random = seededRandom(99);
      const upTo = (n: number) => Math.floor(random() * (n + 1));
      for (let round = 0; round < 500; round++) {
        const keystrokes = upTo(40);
        const firstTries = upTo(19);
        const typist: Typist = {
          wordIndex: upTo(WORDS.length - 1),
          input: "quxk".slice(0, upTo(4)),
          doneChars: upTo(19),
          keystrokes,
          correctKeystrokes: upTo(keystrokes),
          firstTries,
          firstTriesRight: upTo(firstTries),
          finished: random() < 0.2,
        };
        const progress = progressChars(WORDS, typist);
        for (const elapsedMs of elapsed) {
          const stats = computeStats(WORDS, typist, elapsedMs);
          const context = `${JSON.stringify(typist)} in ${elapsedMs} ms: ${JSON.stringify(stats)}`;
          assertWithinBounds(stats, context);
          if (progress <= typist.keystrokes) assert.ok(stats.wpm <= stats.wpmRaw, context);
        }
      }
    });
  });

  describe("round2", () => {
    const cases: Array<[number, number]> = [
      [0, 0],
      [38, 38],
      [1.004, 1],
      [1.005, 1.01],
      [1.045, 1.05],
      [1.255, 1.26],
      [2.675, 2.68],
      [0.285, 0.29],
      [8.345, 8.35],
      [0.125, 0.13],
      [12.3449, 12.34],
      [99.995, 100],
      [99.994, 99.99],
      [78.94736842105263, 78.95],
      [76.92307692307692, 76.92],
      [66.66666666666667, 66.67],
      [123456.785, 123456.79],
      [1e-10, 0],
      [-1.005, -1.01],
      [-2.675, -2.68],
      [-1.004, -1],
    ];
    for (const [input, expected] of cases) {
      it(`rounds ${input} to ${expected}`, () => {
        assert.equal(round2(input), expected);
      });
    }

    it("never returns -0", () => {
      assert.ok(Object.is(round2(-0.001), 0));
      assert.ok(Object.is(round2(-0.004999), 0));
    });
  });
});
