/**
 * What the API reads of ratings: the statistics' rating, the rating's history on a profile, and
 * each player's change on a race's result. The rating update itself is not this file's: its
 * columns are written here as it writes them when a rated race ends (`rateRace`), after the race's
 * results.
 */
import assert from "node:assert/strict";
import type { ResultResponse } from "../../src/api/contracts/games.ts";
import type { RatingHistoryResponse, StatisticsResponse } from "../../src/api/contracts/profile.ts";
import { createTokenService } from "../../src/auth/tokens.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { recordResult } from "../../src/db/races.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { call, dataOf, errorOf } from "../support/http.ts";
import {
  newPlayer,
  onceShown,
  type Player,
  type Race,
  race,
  rateRace,
  record,
  resultOf,
  statisticsOf,
} from "../support/profiles.ts";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server.ts";

describe("ratings as the API reads them", () => {
  let server: TestServer;
  let db: Database;
  const tokens = createTokenService(TEST_JWT_SECRET);
  const tokenOf = async (player: Player) => (await tokens.issueAccessToken(player, 3600)).token;

  before(async () => {
    server = await startTestServer();
    db = createDatabase(testDatabaseUrl());
  });
  after(async () => {
    await db?.close();
    await server?.stop();
  });

  const get = <T>(path: string, token?: string) => call<T>(server.url, path, token ? { token } : {});
  /** The same read by id and as the player's own: both must answer alike. */
  async function readBoth<T>(player: Player, path: string): Promise<T> {
    const theirs = dataOf(await get<T>(`/api/v1/users/${player.id}/${path}`));
    const own = dataOf(await get<T>(`/api/v1/profile/${path}`, await tokenOf(player)));
    assert.deepEqual(own, theirs, `${path}: own and public profile agree`);
    return theirs;
  }
  const minute = (m: number) => new Date(Date.UTC(2025, 5, 1, 12, m));
  const series = (points: Array<{ race: Race; before: number; after: number }>) =>
    points.map(({ race: one, before, after }) => ({
      gameId: one.gameId,
      playedAt: one.startsAt.toISOString(),
      ratingBefore: before,
      ratingAfter: after,
    }));

  it("a newcomer shows 1000, provisional, no rated races, and an empty rating history", async () => {
    const newcomer = await newPlayer(db, "Newcomer", true);
    const statistics = await readBoth<StatisticsResponse>(newcomer, "statistics");
    assert.deepEqual(statistics, statisticsOf([]));
    assert.deepEqual([statistics.rating, statistics.provisional, statistics.ratedRaces], [1000, true, 0]);
    assert.deepEqual(await readBoth<RatingHistoryResponse>(newcomer, "rating-history"), []);
  });

  it("twelve rated races among unrated ones: the rating, no longer provisional, and the last N rated, oldest first", async () => {
    const ada = await newPlayer(db, "Ada rated", false);
    const rival = await newPlayer(db, "Rival", false);
    const points: Array<{ race: Race; before: number; after: number }> = [];
    const unrated: Race[] = [];
    let rating = 1000;
    for (let i = 0; i < 15; i++) {
      const one = race(ada.id, {
        rank: 1 + (i % 2),
        startsAt: minute(i),
        finishedAt: new Date(minute(i).getTime() + 20_000),
      });
      await record(db, one);
      // Every fifth race was private, practice or flagged: no rating.
      if (i % 5 === 4) {
        unrated.push(one);
        continue;
      }
      await recordResult(db, resultOf({ ...one, userId: rival.id, rank: one.rank === 1 ? 2 : 1 }));
      const after = rating + (one.rank === 1 ? 17 : -9);
      await rateRace(db, one.gameId, [
        { userId: ada.id, before: rating, after },
        { userId: rival.id, before: 1000, after: 1000 },
      ]);
      points.push({ race: one, before: rating, after });
      rating = after;
    }
    assert.equal(points.length, 12);
    const races = [...points.map((point) => point.race), ...unrated];

    const statistics = await readBoth<StatisticsResponse>(ada, "statistics");
    assert.deepEqual(statistics, statisticsOf(races, { rating, ratedRaces: 12 }));
    assert.equal(statistics.provisional, false, "10 rated races and more");

    assert.deepEqual(
      await readBoth<RatingHistoryResponse>(ada, "rating-history"),
      series(points.slice(-10)),
      "the last 10 by default",
    );
    for (const last of [1, 5, 12, 1000]) {
      assert.deepEqual(
        await readBoth<RatingHistoryResponse>(ada, `rating-history?last=${last}`),
        series(points.slice(-last)),
        `last=${last}`,
      );
    }
  });

  it("a race's result carries each player's rating before and after, null for the unrated", async () => {
    const hare = await newPlayer(db, "Hare", false);
    const tortoise = await newPlayer(db, "Tortoise", false);
    const cheat = await newPlayer(db, "Cheat", false);
    const first = race(hare.id, { rank: 1, playerCount: 3, finishedAt: minute(40) });
    await record(db, first);
    await recordResult(db, resultOf({ ...first, userId: tortoise.id, rank: 2, wpm: 40 }));
    await recordResult(db, resultOf({ ...first, userId: cheat.id, rank: 3, wpm: 30, flagged: true }));
    const ranking = async () =>
      dataOf(await get<ResultResponse>(`/api/v1/games/${first.gameId}/result`)).ranking.map(
        ({ name, ratingBefore, ratingAfter }) => [name, ratingBefore, ratingAfter],
      );
    assert.deepEqual(
      await ranking(),
      [
        ["Hare", null, null],
        ["Tortoise", null, null],
        ["Cheat", null, null],
      ],
      "before the rating update: nothing yet",
    );
    await rateRace(db, first.gameId, [
      { userId: hare.id, before: 1000, after: 1014 },
      { userId: tortoise.id, before: 1000, after: 994 },
    ]);
    assert.deepEqual(await ranking(), [
      ["Hare", 1000, 1014],
      ["Tortoise", 1000, 994],
      ["Cheat", null, null],
    ]);
  });

  it("a kept statistics or rating history is read again once the race's rating is written after its result", async () => {
    const lin = await newPlayer(db, "Lin rated", false);
    const rival = await newPlayer(db, "Lin's rival", false);
    const statistics = () => readBoth<StatisticsResponse>(lin, "statistics");
    const history = () => readBoth<RatingHistoryResponse>(lin, "rating-history?last=3");
    assert.equal((await statistics()).rating, 1000);
    assert.deepEqual(await history(), []);

    // The race ends: the results are written first, and the profile read (and kept) in between...
    const one = race(lin.id, { rank: 1, finishedAt: minute(50) });
    await record(db, one);
    await recordResult(db, resultOf({ ...one, userId: rival.id, rank: 2 }));
    const figures = async () => {
      const { totalGames, rating, ratedRaces } = await statistics();
      return [totalGames, rating, ratedRaces];
    };
    await onceShown(figures, [1, 1000, 0]);
    assert.deepEqual(await history(), []);

    // ...then the rating update: the next reads show it.
    await rateRace(db, one.gameId, [
      { userId: lin.id, before: 1000, after: 1021 },
      { userId: rival.id, before: 1000, after: 990 },
    ]);
    await onceShown(figures, [1, 1021, 1]);
    await onceShown(history, series([{ race: one, before: 1000, after: 1021 }]));
  });

  it("answers 422 for a bad `last` and 404 for nobody", async () => {
    const someone = await newPlayer(db, "Someone", true);
    for (const last of ["0", "1001", "x"]) {
      const answer = await get(`/api/v1/users/${someone.id}/rating-history?last=${last}`);
      assert.equal(answer.status, 422, last);
      assert.equal(errorOf(answer).code, "VALIDATION_ERROR");
    }
    const nobody = await get(`/api/v1/users/${crypto.randomUUID()}/rating-history`);
    assert.equal(nobody.status, 404);
    assert.equal(errorOf(nobody).code, "USER_NOT_FOUND");
    assert.equal((await get("/api/v1/profile/rating-history")).status, 401);
  });
});
