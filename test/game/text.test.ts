import assert from "node:assert/strict";
import { seededRandom } from "../../src/game/seededRandom.ts";
import { pickWords, WORD_LIST } from "../../src/game/text.ts";

function noImmediateRepeat(words: readonly string[]): boolean {
  return words.every((word, i) => i === 0 || word !== words[i - 1]);
}

describe("text", () => {
  describe("WORD_LIST", () => {
    it("has at least 1,000 words", () => {
      assert.ok(WORD_LIST.length >= 1000, `${WORD_LIST.length} words`);
    });

    it("has only lowercase a-z words", () => {
      const bad = WORD_LIST.filter((word) => !/^[a-z]+$/.test(word));
      assert.deepEqual(bad, []);
    });

    it("has no duplicates", () => {
      assert.equal(new Set(WORD_LIST).size, WORD_LIST.length);
    });

    it("has no single letters but a and i", () => {
      assert.deepEqual(WORD_LIST.filter((word) => word.length === 1).sort(), ["a", "i"]);
    });

    it("starts with the most common words", () => {
      assert.deepEqual(WORD_LIST.slice(0, 3), ["the", "of", "and"]);
    });

    it("cannot be changed at run time", () => {
      assert.ok(Object.isFrozen(WORD_LIST));
    });
  });

  describe("pickWords", () => {
    for (const count of [0, 1, 2, 25, 1000]) {
      it(`draws ${count} words`, () => {
        assert.equal(pickWords(count, seededRandom(count)).length, count);
      });
    }

    it("draws the same words from the same seed", () => {
      assert.deepEqual(pickWords(200, seededRandom(42)), pickWords(200, seededRandom(42)));
    });

    it("draws other words from another seed", () => {
      assert.notDeepEqual(pickWords(200, seededRandom(42)), pickWords(200, seededRandom(43)));
    });

    it("uses no randomness but the one it is given", () => {
      const original = Math.random;
      Math.random = () => {
        throw new Error("Math.random was called");
      };
      try {
        pickWords(100, seededRandom(1));
      } finally {
        Math.random = original;
      }
    });

    it("draws only words of the list, and from the whole list", () => {
      const words = pickWords(50_000, seededRandom(7));
      const list = new Set(WORD_LIST);
      assert.ok(
        words.every((word) => list.has(word)),
        "a word not in the list",
      );
      assert.equal(new Set(words).size, WORD_LIST.length);
    });

    it("never draws the same word twice in a row", () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        assert.ok(noImmediateRepeat(pickWords(10_000, seededRandom(seed))), `seed ${seed}`);
      }
    });

    it("lets words come back after another word", () => {
      const words = pickWords(10_000, seededRandom(9), ["red", "green", "blue"]);
      assert.ok(words.some((word, i) => i >= 2 && word === words[i - 2]));
    });

    it("never repeats even when the random source does", () => {
      const list = ["red", "green", "blue"];
      assert.deepEqual(
        pickWords(6, () => 0, list),
        ["red", "green", "red", "green", "red", "green"],
      );
      assert.deepEqual(
        pickWords(4, () => 0.999_999, list),
        ["blue", "green", "blue", "green"],
      );
    });

    it("alternates the two words of a two-word list", () => {
      const words = pickWords(100, seededRandom(3), ["yes", "no"]);
      const [first, second] = words[0] === "yes" ? ["yes", "no"] : ["no", "yes"];
      assert.deepEqual(
        words,
        words.map((_, i) => (i % 2 === 0 ? first : second)),
      );
    });

    it("draws every allowed word about equally often", () => {
      const list = ["a", "b", "c", "d", "e"];
      const words = pickWords(50_000, seededRandom(11), list);
      for (const word of list) {
        const share = words.filter((w) => w === word).length / words.length;
        assert.ok(Math.abs(share - 0.2) < 0.01, `${word}: ${share}`);
      }
    });

    it("draws one word from a one-word list", () => {
      assert.deepEqual(pickWords(1, seededRandom(1), ["solo"]), ["solo"]);
    });

    it("draws no words from an empty list", () => {
      assert.deepEqual(pickWords(0, seededRandom(1), []), []);
    });

    const impossible: Array<[string, () => unknown]> = [
      ["a negative count", () => pickWords(-1, seededRandom(1))],
      ["a fractional count", () => pickWords(2.5, seededRandom(1))],
      ["a NaN count", () => pickWords(Number.NaN, seededRandom(1))],
      ["an infinite count", () => pickWords(Number.POSITIVE_INFINITY, seededRandom(1))],
      ["a word from an empty list", () => pickWords(1, seededRandom(1), [])],
      ["two words from a one-word list", () => pickWords(2, seededRandom(1), ["solo"])],
      ["a random source that returns 1", () => pickWords(1, () => 1)],
      ["a random source that returns a negative number", () => pickWords(1, () => -0.5)],
      ["a random source that returns NaN", () => pickWords(1, () => Number.NaN)],
    ];
    for (const [name, pick] of impossible) {
      it(`rejects ${name}`, () => {
        assert.throws(pick, RangeError);
      });
    }
  });
});
