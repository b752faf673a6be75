import assert from "node:assert/strict";
import {
  type Best,
  countsForBests,
  isBetterBest,
  isNewPersonalBest,
  type RaceFinish,
} from "../../src/game/personalBest.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";

const at = (second: number) => new Date(Date.UTC(2025, 2, 10, 12, 0, second));

/** A finished, unflagged result at 60 wpm; override what the case needs. */
const finish = (overrides: Partial<RaceFinish> = {}): RaceFinish => ({
  rank: 1,
  finishedAt: at(0),
  flagged: false,
  wpm: 60,
  ...overrides,
});

const gameId = (n: number) => `${String(n).padStart(8, "0")}-0000-4000-8000-000000000000`;

const best = (overrides: Partial<Best> = {}): Best => ({
  gameId: gameId(5),
  wpm: 60,
  acc: 95,
  finishedAt: at(0),
  ...overrides,
});

describe("personal bests (src/game/personalBest.ts)", () => {
  describe("countsForBests", () => {
    const cases: Array<[string, Partial<RaceFinish>, boolean]> = [
      ["a win", {}, true],
      ["a finish in last place", { rank: 5 }, true],
      ["a flagged finish", { flagged: true }, false],
      ["a race not finished", { rank: null, finishedAt: null }, false],
      ["a flagged race not finished", { rank: null, finishedAt: null, flagged: true }, false],
      ["a rank without a finishing time", { finishedAt: null }, false],
      ["a finishing time without a rank", { rank: null }, false],
    ];
    for (const [what, overrides, expected] of cases) {
      it(`${expected ? "counts" : "does not count"} ${what}`, () => {
        assert.equal(countsForBests(finish(overrides)), expected);
      });
    }
  });

  describe("isNewPersonalBest", () => {
    const cases: Array<[string, Partial<RaceFinish>, number | undefined, boolean]> = [
      ["the first result that counts", {}, undefined, true],
      ["the first result that counts, however slow", { wpm: 0.01 }, undefined, true],
      ["faster than the best so far", { wpm: 70 }, 60, true],
      ["a hundredth faster", { wpm: 60.01 }, 60, true],
      ["as fast as the best so far", { wpm: 60 }, 60, false],
      ["slower than the best so far", { wpm: 50 }, 60, false],
      ["faster but flagged", { wpm: 90, flagged: true }, 60, false],
      ["first but flagged", { flagged: true }, undefined, false],
      ["faster but not finished", { wpm: 90, rank: null, finishedAt: null }, 60, false],
      ["first but not finished", { rank: null, finishedAt: null }, undefined, false],
    ];
    for (const [what, overrides, previous, expected] of cases) {
      it(`${expected ? "calls" : "does not call"} a result a new personal best when ${what}`, () => {
        const before = previous === undefined ? undefined : { wpm: previous };
        assert.equal(isNewPersonalBest(finish(overrides), before), expected);
      });
    }
  });

  describe("isBetterBest", () => {
    const cases: Array<[string, Partial<Best>, Partial<Best>]> = [
      ["the faster one", { wpm: 61 }, { wpm: 60, acc: 100 }],
      ["at equal wpm, the more accurate one", { acc: 96 }, { acc: 95, finishedAt: at(-30) }],
      ["at equal wpm and accuracy, the one finished first", { finishedAt: at(0) }, { finishedAt: at(1) }],
      ["when all else is equal, the smaller game id", { gameId: gameId(1) }, { gameId: gameId(2) }],
      [
        "the smaller game id as PostgreSQL orders uuids, whatever the case of its letters",
        { gameId: "a0000000-0000-4000-8000-000000000000" },
        { gameId: "B0000000-0000-4000-8000-000000000000" },
      ],
    ];
    for (const [what, better, worse] of cases) {
      it(`prefers ${what}`, () => {
        assert.equal(isBetterBest(best(better), best(worse)), true);
        assert.equal(isBetterBest(best(worse), best(better)), false);
      });
    }

    it("does not prefer a result to itself", () => {
      assert.equal(isBetterBest(best(), best()), false);
    });

    it("orders any set of results one way: of two different ones, exactly one is the better", () => {
      const random = seededRandom(11);
      // Few distinct values, so that many results tie on wpm, accuracy or time.
      const results = Array.from({ length: 60 }, (_, i) =>
        best({
          gameId: gameId((i * 7919) % 100),
          wpm: 60 + Math.floor(random() * 3),
          acc: 95 + Math.floor(random() * 2),
          finishedAt: at(Math.floor(random() * 3)),
        }),
      );
      for (const a of results) {
        for (const b of results) {
          if (a === b) continue;
          assert.notEqual(isBetterBest(a, b), isBetterBest(b, a), `${a.gameId} / ${b.gameId}`);
          for (const c of results) {
            if (isBetterBest(a, b) && isBetterBest(b, c)) assert.ok(isBetterBest(a, c), "transitive");
          }
        }
      }
    });
  });
});
