/**
 * Does the rating find the players' skill? 200 simulated players with hidden true skills race
 * 2,000 rated public races of 5, through the real rules (ratedStandings, rateRace, shownRating):
 * each race's finish order is its players' true skill plus noise. The correlation between the
 * shown rating and the true skill, at checkpoints, is the table of docs/ratings.md (checked here,
 * so that the document stays true).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import {
  NEW_SKILL,
  type RatedResult,
  ratedStandings,
  rateRace,
  type Skill,
  shownRating,
} from "../../src/game/rating.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";

const PLAYERS = 200;
const RACES = 2_000;
const PER_RACE = 5;
const CHECKPOINTS = [250, 500, 1_000, 1_500, 2_000];
/** A race's performance: the true skill (standard deviation 1 across players) plus this much noise. */
const NOISE = 1;
/** A player who did not finish: one in this many entries (they tie for last). */
const DNF_ONE_IN = 20;
const SEED = 27;

/** A standard normal number (Box-Muller) from uniform ones. */
const normal = (random: () => number) =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

function pearson(xs: number[], ys: number[]): number {
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const [mx, my] = [mean(xs), mean(ys)];
  let [sxy, sxx, syy] = [0, 0, 0];
  for (let i = 0; i < xs.length; i++) {
    const [dx, dy] = [xs[i]! - mx, ys[i]! - my];
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** `count` distinct players of `PLAYERS`, drawn at random. */
function draw(random: () => number, count: number): number[] {
  const drawn = new Set<number>();
  while (drawn.size < count) drawn.add(Math.floor(random() * PLAYERS));
  return [...drawn];
}

/** The correlation of rating with true skill after each checkpoint's number of races. */
function simulate(): Array<{ races: number; correlation: number; meanRatedRaces: number }> {
  const random = seededRandom(SEED);
  const trueSkill = Array.from({ length: PLAYERS }, () => normal(random));
  const ids = trueSkill.map((_, i) => `player-${i}`);
  const skills = new Map<string, Skill>(ids.map((id) => [id, NEW_SKILL]));
  const ratedRaces = new Map<string, number>(ids.map((id) => [id, 0]));
  const table: Array<{ races: number; correlation: number; meanRatedRaces: number }> = [];
  for (let race = 1; race <= RACES; race++) {
    const entrants = draw(random, PER_RACE).map((player) => ({
      player,
      performance: trueSkill[player]! + NOISE * normal(random),
      finished: random() * DNF_ONE_IN >= 1,
    }));
    const finishers = entrants.filter((e) => e.finished).sort((a, b) => b.performance - a.performance);
    const results: RatedResult[] = entrants.map((e) => ({
      userId: ids[e.player]!,
      rank: e.finished ? finishers.indexOf(e) + 1 : null,
      flagged: false,
      typed: true,
    }));
    const standings = ratedStandings("public", results);
    for (const [userId, after] of rateRace(standings, skills)) {
      skills.set(userId, after);
      ratedRaces.set(userId, ratedRaces.get(userId)! + 1);
    }
    if (CHECKPOINTS.includes(race)) {
      const ratings = ids.map((id) => shownRating(skills.get(id)!));
      const played = [...ratedRaces.values()];
      table.push({
        races: race,
        correlation: pearson(ratings, trueSkill),
        meanRatedRaces: played.reduce((sum, n) => sum + n, 0) / PLAYERS,
      });
    }
  }
  return table;
}

/** The table's rows as docs/ratings.md prints them: their cells. */
const rowsOf = (table: ReturnType<typeof simulate>) =>
  table.map(({ races, correlation, meanRatedRaces }) => [
    races.toLocaleString("en-US"),
    meanRatedRaces.toFixed(1),
    correlation.toFixed(3),
  ]);

/** The cells of every table row of a markdown page (however its columns are padded). */
const markdownRows = (page: string) =>
  page
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );

describe("the rating's convergence (simulated, src/game/rating.ts)", function () {
  this.timeout(20_000);
  let table: ReturnType<typeof simulate>;
  before(() => {
    table = simulate();
  });

  it("ends with ratings that correlate with the true skills above 0.9", () => {
    const last = table.at(-1)!;
    assert.equal(last.races, RACES);
    assert.ok(last.correlation > 0.9, `correlation ${last.correlation}`);
  });

  it("gets closer to the true skills as the races go on", () => {
    const correlations = table.map((row) => row.correlation);
    assert.ok(correlations[0]! < correlations.at(-1)!, correlations.join(", "));
  });

  it("is the table docs/ratings.md shows", async () => {
    const docs = await readFile(new URL("../../docs/ratings.md", import.meta.url), "utf8");
    const checkpoints = new Set(CHECKPOINTS.map((races) => races.toLocaleString("en-US")));
    const shown = markdownRows(docs).filter(([races]) => checkpoints.has(races!));
    assert.deepEqual(shown, rowsOf(table), "docs/ratings.md's convergence table");
  });
});
