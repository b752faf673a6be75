import assert from "node:assert/strict";
import { BACKSPACE, type Key } from "../../src/game/keys.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";
import { computeStats, type RaceStats, round2 } from "../../src/game/stats.ts";
import { applyKey, newTypist, type Typist } from "../../src/game/typingEngine.ts";

// In scripts, "⌫" stands for Backspace; every other character is its own key.
function typistAfter(words: readonly string[], script: string): Typist {
  const typist = newTypist();
  for (const char of script) applyKey(words, typist, char === "⌫" ? BACKSPACE : char);
  return typist;
}

// 3 + 5 + 5 + 3 = 16 characters, and 3 spaces between the 4 words.
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
  {
    name: "a perfect race",
    script: "the quick brown fox",
    elapsedMs: 6000,
    stats: { wpm: 38, wpmRaw: 38, acc: 100, accRaw: 100 },
    why: "(16 chars + 3 spaces) / 5 = 3.8 words in 0.1 min; 19 of 19 keystrokes right",
  },
  {
    name: "a typo corrected with Backspace",
    script: "thw⌫e quick brown fox",
    elapsedMs: 6000,
    stats: { wpm: 38, wpmRaw: 38, acc: 95, accRaw: 100 },
    why: "final inputs are perfect; 20 keystrokes (Backspace not counted), the w wrong: 19/20",
  },
  {
    name: "an extra character left in a word",
    script: "thee quick brown fox",
    elapsedMs: 6000,
    stats: { wpm: 32, wpmRaw: 40, acc: 90, accRaw: 100 },
    why:
      "wpm: (5+5+3 right-word chars + 3 spaces) / 5 / 0.1 = 32; wpmRaw: (4+5+5+3 + 3) / 5 / 0.1 = 40; " +
      "acc: 20 keystrokes, the extra e and the space after 'thee' wrong: 18/20; " +
      "accRaw: 16 target chars all matched at their position (the extra e has no target)",
  },
  {
    name: "spaces on an empty input are not counted",
    script: "  the  quick brown   fox",
    elapsedMs: 6000,
    stats: { wpm: 38, wpmRaw: 38, acc: 100, accRaw: 100 },
    why: "the same as a perfect race: ignored spaces change nothing",
  },
  {
    name: "finishing with mistakes",
    script: "teh quick brown fix",
    elapsedMs: 6000,
    stats: { wpm: 26, wpmRaw: 38, acc: 78.95, accRaw: 81.25 },
    why:
      "wpm: (5+5 + 3) / 5 / 0.1 = 26; wpmRaw: (3+5+5+3 + 3) / 5 / 0.1 = 38; " +
      "acc: 19 keystrokes, right: t, quick+space, brown+space, f, x = 15 → 78.947…; " +
      "accRaw: t + 5 + 5 + f,x = 13 of 16 = 81.25",
  },
  {
    name: "a player who did not finish, halfway through a word",
    script: "the quick br",
    elapsedMs: 30_000,
    stats: { wpm: 4, wpmRaw: 4.8, acc: 100, accRaw: 76.92 },
    why:
      "attempted: the, quick, br (n = 3, 2 spaces) in 0.5 min; wpm: (3+5 + 2) / 5 / 0.5 = 4; " +
      "wpmRaw: (3+5+2 + 2) / 5 / 0.5 = 4.8; acc: 12 of 12; accRaw: 10 of 3+5+5 = 13 → 76.923…",
  },
  {
    name: "a player who did not finish, right after a space",
    script: "the ",
    elapsedMs: 60_000,
    stats: { wpm: 0.6, wpmRaw: 0.6, acc: 100, accRaw: 100 },
    why: "attempted: the (n = 1, no space counted); 3 / 5 / 1 min = 0.6; 4 of 4 keystrokes",
  },
  {
    name: "a wrong word in progress, partly erased",
    script: "txy⌫⌫",
    elapsedMs: 12_000,
    stats: { wpm: 0, wpmRaw: 1, acc: 33.33, accRaw: 33.33 },
    why: "input 't' is not 'the': wpm 0; wpmRaw 1 / 5 / 0.2 = 1; t right, x and y wrong: 1/3; accRaw 1 of 3",
  },
  {
    name: "figures that need rounding",
    words: ["abc"],
    script: "axc",
    elapsedMs: 7000,
    stats: { wpm: 0, wpmRaw: 5.14, acc: 66.67, accRaw: 66.67 },
    why: "finished as 'axc', not 'abc': wpm 0; wpmRaw 3 / 5 / (7/60 min) = 5.142…; a and c right: 2/3",
  },
  {
    name: "no key at all",
    script: "",
    elapsedMs: 5000,
    stats: { wpm: 0, wpmRaw: 0, acc: 0, accRaw: 0 },
    why: "nothing attempted and no keystroke: every figure would divide by zero",
  },
  {
    name: "only ignored keys",
    script: "  ⌫",
    elapsedMs: 5000,
    stats: { wpm: 0, wpmRaw: 0, acc: 0, accRaw: 0 },
    why: "ignored keys are not keystrokes and attempt nothing",
  },
  {
    name: "wrong keys all erased",
    script: "xyz⌫⌫⌫",
    elapsedMs: 6000,
    stats: { wpm: 0, wpmRaw: 0, acc: 0, accRaw: 0 },
    why: "nothing attempted (wpm and accRaw 0); 3 keystrokes, none right: acc 0",
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
];

describe("stats", () => {
  describe("computeStats", () => {
    for (const c of cases) {
      it(`${c.name} (${c.why})`, () => {
        const words = c.words ?? WORDS;
        assert.deepEqual(computeStats(words, typistAfter(words, c.script), c.elapsedMs), c.stats);
      });
    }

    it("does not change the typist", () => {
      const typist = typistAfter(WORDS, "the qu");
      const before = structuredClone(typist);
      computeStats(WORDS, typist, 1000);
      assert.deepEqual(typist, before);
    });

    it("gives finite figures within their bounds for any sequence of keys", () => {
      const random = seededRandom(2024);
      const keys: Key[] = ["t", "h", "e", "q", "u", "i", "c", "k", "x", " ", " ", BACKSPACE, BACKSPACE];
      const elapsed = [-1, 0, 1, 999, 60_000, Number.NaN, Number.POSITIVE_INFINITY];
      for (let round = 0; round < 500; round++) {
        const typist = newTypist();
        const length = Math.floor(random() * 60);
        for (let i = 0; i < length; i++) applyKey(WORDS, typist, keys[Math.floor(random() * keys.length)]!);
        for (const elapsedMs of elapsed) {
          const stats = computeStats(WORDS, typist, elapsedMs);
          for (const value of Object.values(stats)) assert.ok(Number.isFinite(value), JSON.stringify(stats));
          assert.ok(stats.wpm >= 0 && stats.wpm <= stats.wpmRaw, JSON.stringify(stats));
          assert.ok(stats.acc >= 0 && stats.acc <= 100, JSON.stringify(stats));
          assert.ok(stats.accRaw >= 0 && stats.accRaw <= 100, JSON.stringify(stats));
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
