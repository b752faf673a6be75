import assert from "node:assert/strict";
import { rate } from "openskill";
import {
  isProvisional,
  NEW_SKILL,
  type RatedResult,
  ratedStandings,
  rateRace,
  type Skill,
  type Standing,
  shownRating,
} from "../../src/game/rating.ts";
import { PROVISIONAL_RACES } from "../../src/protocol.ts";

/** A player who typed and finished in `rank` (null: did not finish); override what the case needs. */
const result = (userId: string, rank: number | null, overrides: Partial<RatedResult> = {}): RatedResult => ({
  userId,
  rank,
  flagged: false,
  typed: true,
  ...overrides,
});

const byUser = (standings: Standing[]) => [...standings].sort((a, b) => (a.userId < b.userId ? -1 : 1));

describe("ratings (src/game/rating.ts)", () => {
  describe("shownRating and provisional", () => {
    it("shows a newcomer 1000", () => {
      assert.deepEqual(NEW_SKILL, { mu: 25, sigma: 25 / 3 });
      assert.equal(shownRating(NEW_SKILL), 1000);
    });

    const cases: Array<[string, Skill, number]> = [
      ["a sure skill of 25", { mu: 25, sigma: 0 }, 2000],
      ["mu − 3σ of 10", { mu: 16, sigma: 2 }, 1400],
      ["mu − 3σ below 0", { mu: 20, sigma: 8 }, 840],
      ["rounded half up", { mu: 0.0125, sigma: 0 }, 1001],
      ["rounded down", { mu: 0.012, sigma: 0 }, 1000],
    ];
    for (const [name, skill, shown] of cases) {
      it(`shows ${shown} for ${name}`, () => assert.equal(shownRating(skill), shown));
    }

    it(`is provisional for the first ${PROVISIONAL_RACES} rated races`, () => {
      assert.equal(PROVISIONAL_RACES, 10);
      assert.deepEqual([0, 1, 9, 10, 11, 500].map(isProvisional), [true, true, true, false, false, false]);
    });
  });

  describe("ratedStandings", () => {
    it("ranks the finishers by place, whatever the order of the results", () => {
      const standings = ratedStandings("public", [result("c", 3), result("a", 1), result("b", 2)]);
      assert.deepEqual(byUser(standings), [
        { userId: "a", place: 1 },
        { userId: "b", place: 2 },
        { userId: "c", place: 3 },
      ]);
    });

    it("has every player who did not finish tie for last, behind the finishers", () => {
      const standings = ratedStandings("public", [
        result("a", 1),
        result("b", null),
        result("c", 2),
        result("d", null),
      ]);
      assert.deepEqual(byUser(standings), [
        { userId: "a", place: 1 },
        { userId: "b", place: 3 },
        { userId: "c", place: 2 },
        { userId: "d", place: 3 },
      ]);
    });

    it("does not rate a race that nobody finished: all tied, every rating would rise", () => {
      assert.deepEqual(ratedStandings("public", [result("a", null), result("b", null)]), []);
      assert.deepEqual(ratedStandings("public", [result("a", null), result("b", 1, { flagged: true })]), []);
      const [tied] = rateRace(
        [
          { userId: "a", place: 1 },
          { userId: "b", place: 1 },
        ],
        new Map(),
      ).values();
      assert.ok(shownRating(tied!) > shownRating(NEW_SKILL), "why: a tie of newcomers raises both");
    });

    it("leaves out a player who never typed a key, and closes the gap in the places", () => {
      const standings = ratedStandings("public", [
        result("a", 1),
        result("idle", null, { typed: false }),
        result("b", 3),
        result("c", null),
      ]);
      assert.deepEqual(byUser(standings), [
        { userId: "a", place: 1 },
        { userId: "b", place: 2 },
        { userId: "c", place: 3 },
      ]);
    });

    it("leaves out a flagged result, the others moving up", () => {
      const standings = ratedStandings("public", [
        result("cheat", 1, { flagged: true }),
        result("a", 2),
        result("b", 3),
      ]);
      assert.deepEqual(byUser(standings), [
        { userId: "a", place: 1 },
        { userId: "b", place: 2 },
      ]);
    });

    const unrated: Array<[string, string, RatedResult[]]> = [
      ["a private race (practice included)", "private", [result("a", 1), result("b", 2)]],
      ["a public race of one typist", "public", [result("a", 1), result("idle", null, { typed: false })]],
      ["a public race of one player", "public", [result("a", 1)]],
      [
        "a public race with one unflagged typist",
        "public",
        [result("a", 1), result("b", 2, { flagged: true })],
      ],
      [
        "a public race where nobody typed",
        "public",
        [result("a", null, { typed: false }), result("b", null, { typed: false })],
      ],
    ];
    for (const [name, mode, results] of unrated) {
      it(`does not rate ${name}`, () => assert.deepEqual(ratedStandings(mode, results), []));
    }
  });

  describe("rateRace", () => {
    /** openskill's own answer for these skills in this order of places: the reference. */
    const reference = (skills: Skill[], places: number[]) =>
      rate(
        skills.map(({ mu, sigma }) => [{ mu, sigma }]),
        { rank: places },
      ).map(([skill]) => ({ mu: skill!.mu, sigma: skill!.sigma }));

    it("gives two newcomers openskill's values: the winner up, the loser down as much", () => {
      const after = rateRace(
        [
          { userId: "b", place: 2 },
          { userId: "a", place: 1 },
        ],
        new Map(),
      );
      const [winner, loser] = reference([NEW_SKILL, NEW_SKILL], [1, 2]);
      assert.deepEqual(after.get("a"), winner);
      assert.deepEqual(after.get("b"), loser);
      // Pinned, so that a change of the library's numbers is seen here first.
      assert.equal(after.get("a")!.mu.toFixed(6), "27.635389");
      assert.equal(after.get("b")!.mu.toFixed(6), "22.364611");
      assert.equal(after.get("a")!.sigma.toFixed(6), "8.065901");
      assert.deepEqual([shownRating(after.get("a")!), shownRating(after.get("b")!)], [1138, 927]);
    });

    it("equals openskill's values for players of known skills, a DNF tie and an upset", () => {
      const before = new Map<string, Skill>([
        ["strong", { mu: 32, sigma: 3 }],
        ["middle", { mu: 26, sigma: 5 }],
        ["weak", { mu: 18, sigma: 6 }],
        // "new" is not in the map: a newcomer's defaults.
        ["quitter", { mu: 24, sigma: 7 }],
      ]);
      const standings = ratedStandings("public", [
        result("weak", 1),
        result("strong", 2),
        result("middle", null),
        result("new", null),
        result("quitter", null),
      ]);
      const after = rateRace(standings, before);
      const skills = standings.map(({ userId }) => before.get(userId) ?? NEW_SKILL);
      const expected = reference(
        skills,
        standings.map(({ place }) => place),
      );
      assert.deepEqual(
        standings.map(({ userId }) => after.get(userId)),
        expected,
      );
      // The upset: the weak winner gains more than the strong runner-up.
      assert.ok(after.get("weak")!.mu - 18 > after.get("strong")!.mu - 32);
      // Pinned: the strong player beaten by a weaker one.
      assert.equal(after.get("strong")!.mu.toFixed(4), "32.2004");
    });

    it("moves two players tied for last the same way when they started alike", () => {
      const standings = ratedStandings("public", [result("a", 1), result("b", null), result("c", null)]);
      const after = rateRace(standings, new Map());
      assert.deepEqual(after.get("b"), after.get("c"));
      assert.ok(after.get("b")!.mu < NEW_SKILL.mu);
      assert.ok(after.get("a")!.mu > NEW_SKILL.mu);
    });
  });
});
