import assert from "node:assert/strict";
import { BACKSPACE, type Key } from "../../src/game/keys.ts";
import type { LoggedKey } from "../../src/game/keystrokeLog.ts";
import { missedCharactersOf, timelineOf, wordSpeedsOf } from "../../src/game/raceCharts.ts";

const WORDS = ["ab", "cd"];

/** A hand-made log: "key@ms" entries, "⌫" for Backspace and "␣" for the space. */
function log(entries: string): LoggedKey[] {
  return entries.split(" ").map((entry) => {
    const [char, at] = entry.split("@") as [string, string];
    const key: Key = char === "⌫" ? BACKSPACE : char === "␣" ? " " : char;
    return { key, at: Number(at) };
  });
}

describe("a race's own charts", () => {
  describe("the timeline, second by second (net wpm, raw wpm, errors)", () => {
    it("a clean race: both lines alike, ending between seconds on the result", () => {
      assert.deepEqual(timelineOf(WORDS, log("a@300 b@500 ␣@700 c@900 d@1500")), {
        seconds: [1, 1.5],
        wpm: [48, 40],
        raw: [48, 40],
        errors: [0, 0],
      });
    });

    it("a corrected error: raw counts the wrong key, net wpm does not, the second holds one error", () => {
      assert.deepEqual(timelineOf(WORDS, log("a@200 x@400 ⌫@600 b@800 ␣@1200 c@1600 d@2100")), {
        seconds: [1, 2, 2.1],
        wpm: [24, 24, 28.57],
        raw: [36, 30, 34.29],
        errors: [1, 0, 0],
      });
    });

    it("extra characters past a word's end are errors and raw keystrokes", () => {
      assert.deepEqual(timelineOf(WORDS, log("a@100 b@200 c@300 ⌫@400 ␣@500 c@600 d@1200")), {
        seconds: [1, 1.2],
        wpm: [48, 50],
        raw: [60, 60],
        errors: [1, 0],
      });
    });

    it("a word skipped with a space is refused: the space is an error, and the word still has to be typed", () => {
      assert.deepEqual(timelineOf(WORDS, log("a@100 ␣@300 b@500 ␣@700 c@900 d@1100")), {
        seconds: [1, 1.1],
        wpm: [48, 54.55],
        raw: [60, 65.45],
        errors: [1, 0],
      });
    });

    it("a key exactly on a second counts in the second it ends; a race ending on a second has no extra moment", () => {
      assert.deepEqual(timelineOf(WORDS, log("a@1000 b@1500 ␣@1800 c@1900 d@2000")), {
        seconds: [1, 2],
        wpm: [12, 30],
        raw: [12, 30],
        errors: [0, 0],
      });
    });

    it("a player who stopped: moments up to their last key, over the time since the start", () => {
      assert.deepEqual(timelineOf(WORDS, log("a@500 b@900 ␣@1400 c@2300")), {
        seconds: [1, 2, 2.3],
        wpm: [24, 18, 20.87],
        raw: [24, 18, 20.87],
        errors: [0, 0, 0],
      });
    });

    it("no keys, no moments", () => {
      assert.deepEqual(timelineOf(WORDS, []), { seconds: [], wpm: [], raw: [], errors: [] });
    });
  });

  describe("the speed of each word", () => {
    it("from the key that reached it to the key that passed it, the first word from the first key", () => {
      assert.deepEqual(wordSpeedsOf(WORDS, log("a@100 ␣@300 b@500 ␣@700 c@900 d@1100")), [
        // "ab " less its first key: 2 characters in 600 ms
        { index: 0, word: "ab", ms: 600, wpm: 40 },
        // "cd": 2 characters in 400 ms, the last word without a space
        { index: 1, word: "cd", ms: 400, wpm: 60 },
      ]);
    });

    it("a hesitation before a word counts against it; corrections slow it down", () => {
      const speeds = wordSpeedsOf(
        ["go", "on", "up"],
        log("g@100 o@200 ␣@300 o@1300 n@1400 ␣@1500 u@1600 x@1700 ⌫@1800 p@1900"),
      );
      assert.deepEqual(
        speeds.map(({ word, ms, wpm }) => [word, ms, wpm]),
        [
          ["go", 200, 120],
          ["on", 1200, 30],
          ["up", 400, 60],
        ],
      );
    });

    it("only words passed: a player who stopped has none for the word they were in", () => {
      assert.deepEqual(
        wordSpeedsOf(WORDS, log("a@500 b@900 ␣@1400 c@2300")).map(({ index }) => index),
        [0],
      );
      assert.deepEqual(wordSpeedsOf(WORDS, []), []);
    });
  });

  describe("the characters most often missed", () => {
    it("each wrong key counts against the character it was aimed at, most missed first", () => {
      assert.deepEqual(
        missedCharactersOf(
          ["abc", "cab"],
          log("a@1 x@2 ⌫@3 y@4 ⌫@5 b@6 q@7 ⌫@8 c@9 ␣@10 c@11 b@12 ⌫@13 a@14 b@15"),
        ),
        [
          { char: "b", misses: 2 },
          { char: "a", misses: 1 },
          { char: "c", misses: 1 },
        ],
      );
    });

    it("a character typed past a word's end missed the space after it", () => {
      assert.deepEqual(missedCharactersOf(WORDS, log("a@100 b@200 c@300 ⌫@400 ␣@500 c@600 d@1200")), [
        { char: " ", misses: 1 },
      ]);
    });

    it("a space typed too early missed the character it came instead of", () => {
      assert.deepEqual(missedCharactersOf(WORDS, log("a@100 ␣@300 b@500 ␣@700 c@900 d@1100")), [
        { char: "b", misses: 1 },
      ]);
    });

    it("a space refused on a word with a typo missed nothing new: the typo was counted", () => {
      assert.deepEqual(missedCharactersOf(WORDS, log("a@100 x@200 ␣@300 ⌫@400 b@500 ␣@600 c@700 d@800")), [
        { char: "b", misses: 1 },
      ]);
    });

    it("a clean race missed nothing", () => {
      assert.deepEqual(missedCharactersOf(WORDS, log("a@300 b@500 ␣@700 c@900 d@1500")), []);
    });
  });
});
