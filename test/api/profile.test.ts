import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type {
  GraphResponse,
  HistoryResponse,
  PersonalBestsResponse,
  StatisticsResponse,
} from "../../src/api/contracts/profile.ts";
import { createTokenService } from "../../src/auth/tokens.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { call, dataOf, errorOf, rawGet, signInGuest } from "../support/http.ts";
import { eventually } from "../support/players.ts";
import {
  graphOf,
  historyOf,
  newPlayer,
  onceShown,
  type Player,
  personalBestsOf,
  type Race,
  race,
  record,
  seededRandom,
  statisticsOf,
  variedRaces,
} from "../support/profiles.ts";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server.ts";

describe("profiles: /api/v1/profile/* and /api/v1/users/:userId/*", () => {
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
  /** The same read of a player's profile, by id and as their own: both must answer alike. */
  async function readBoth<T>(player: Player, path: string): Promise<T> {
    const theirs = dataOf(await get<T>(`/api/v1/users/${player.id}/${path}`));
    const own = dataOf(await get<T>(`/api/v1/profile/${path}`, await tokenOf(player)));
    assert.deepEqual(own, theirs, `${path}: own and public profile agree`);
    return theirs;
  }
  async function recordAll(races: readonly Race[]) {
    for (const one of races) await record(db, one);
  }

  describe("a player with 80 races of every kind", () => {
    let ada: Player;
    let races: Race[];
    before(async () => {
      ada = await newPlayer(db, "Ada", false);
      races = variedRaces(ada.id, 80, seededRandom(1));
      // Written in another order than they finished: every read orders by time.
      await recordAll([...races].reverse());
    });

    it("has statistics that match a reckoning of her races", async () => {
      const expected = statisticsOf(races);
      assert.equal(expected.totalGames, 80, "every race played counts as played");
      const finished = races.filter((one) => one.rank !== null).length;
      assert.ok(finished > 50 && finished < 80, "some did not finish");
      assert.deepEqual(await readBoth<StatisticsResponse>(ada, "statistics"), expected);
    });

    it("graphs her last N finished races, oldest first, 10 by default", async () => {
      assert.deepEqual(await readBoth<GraphResponse>(ada, "graph"), graphOf(races, 10));
      for (const last of [1, 10, 37, 100, 500, 1000]) {
        const graph = await readBoth<GraphResponse>(ada, `graph?last=${last}`);
        assert.deepEqual(graph, graphOf(races, last), `last=${last}`);
      }
    });

    it("pages through her history, newest first, with each race's number of players", async () => {
      assert.deepEqual(await readBoth<HistoryResponse>(ada, "history"), historyOf(races, 1, 50));
      for (const [page, size] of [
        [1, 50],
        [2, 50],
        [1, 7],
        [3, 7],
        [10, 7],
        [1, 1],
      ] as const) {
        const answer = await readBoth<HistoryResponse>(ada, `history?page=${page}&size=${size}`);
        assert.deepEqual(answer, historyOf(races, page, size), `page ${page} of ${size}`);
      }
    });

    it("lists her personal best per text length, null where she has none", async () => {
      const expected = personalBestsOf(races);
      assert.deepEqual(await readBoth<PersonalBestsResponse>(ada, "personal-bests"), expected);
      assert.ok(Object.values(expected.words).every((best) => best !== null));
    });
  });

  describe("statistics, a graph or a history page asked for again", () => {
    it("answers alike until her next finished race, then shows it", async () => {
      const lin = await newPlayer(db, "Lin", false);
      const at = (minute: number) => new Date(Date.UTC(2025, 4, 1, 12, minute));
      const races = [50, 60, 70].map((wpm, i) => race(lin.id, { wpm, finishedAt: at(i) }));
      await recordAll(races);
      const graph = () => readBoth<GraphResponse>(lin, "graph?last=3");
      assert.deepEqual(await graph(), graphOf(races, 3));
      assert.deepEqual(await graph(), graphOf(races, 3), "the same answer again");

      await record(db, race(lin.id, { rank: null }));
      assert.deepEqual(await graph(), graphOf(races, 3), "an unfinished race is not on it");

      const next = race(lin.id, { wpm: 80, finishedAt: at(3) });
      await record(db, next);
      await onceShown(graph, graphOf([...races, next], 3));
      assert.deepEqual(
        await readBoth<GraphResponse>(lin, "graph?last=10"),
        graphOf([...races, next], 10),
        "each length on its own",
      );
    });

    it("keeps each history page until her next race, finished or not, then shows it", async () => {
      const kim = await newPlayer(db, "Kim", false);
      const at = (minute: number) => new Date(Date.UTC(2025, 4, 2, 12, minute));
      const races = [40, 50, 60].map((wpm, i) => race(kim.id, { wpm, finishedAt: at(i) }));
      await recordAll(races);
      const page = (size: number) => readBoth<HistoryResponse>(kim, `history?page=1&size=${size}`);
      assert.deepEqual(await page(2), historyOf(races, 1, 2));
      assert.deepEqual(await page(2), historyOf(races, 1, 2), "the same answer again");

      const unfinished = race(kim.id, { rank: null, wpm: 8, startsAt: at(3) });
      await record(db, unfinished);
      await onceShown(() => page(2), historyOf([...races, unfinished], 1, 2), "an unfinished race is in it");
      assert.equal((await page(2)).data[0]!.rank, null);

      const next = race(kim.id, { wpm: 70, finishedAt: at(5) });
      await record(db, next);
      const all = [...races, unfinished, next];
      await onceShown(() => page(2), historyOf(all, 1, 2));
      assert.deepEqual(await page(10), historyOf(all, 1, 10), "each size on its own");
    });

    it("keeps the statistics until her next race, then shows them: an unfinished one counts as played only", async () => {
      const ida = await newPlayer(db, "Ida", false);
      const at = (minute: number) => new Date(Date.UTC(2025, 4, 3, 12, minute));
      const races = [55, 65].map((wpm, i) => race(ida.id, { wpm, rank: 2, finishedAt: at(i) }));
      await recordAll(races);
      const statistics = () => readBoth<StatisticsResponse>(ida, "statistics");
      assert.deepEqual(await statistics(), statisticsOf(races));
      assert.deepEqual(await statistics(), statisticsOf(races), "the same answer again");

      const unfinished = race(ida.id, { rank: null });
      await record(db, unfinished);
      await onceShown(statistics, statisticsOf([...races, unfinished]));
      const afterUnfinished = await statistics();
      assert.deepEqual(
        [afterUnfinished.totalGames, afterUnfinished.wpmAvgAll],
        [3, statisticsOf(races).wpmAvgAll],
        "played, in no average",
      );

      const won = race(ida.id, { wpm: 95, rank: 1, finishedAt: at(2) });
      await record(db, won);
      await onceShown(statistics, statisticsOf([...races, unfinished, won]));
      const now = await statistics();
      assert.deepEqual([now.totalGames, now.racesWon, now.wpmBest], [4, 1, 95]);
    });

    it("asked by many at once, answers each player their own, and 404 to a player who does not exist", async () => {
      const at = (minute: number) => new Date(Date.UTC(2025, 4, 4, 12, minute));
      const players = await Promise.all(["Una", "Vic", "Wes"].map((name) => newPlayer(db, name, false)));
      const racesOf = players.map((player, p) =>
        Array.from({ length: p + 1 }, (_, i) => race(player.id, { wpm: 40 + 10 * p + i, finishedAt: at(i) })),
      );
      await recordAll(racesOf.flat());
      const stranger = randomUUID();
      // The same moment's reads share one read of the profile's version (src/db/profiles.ts profileVersionReader).
      const [answers, missing] = await Promise.all([
        Promise.all(
          [...players, ...players].map((player) =>
            get<StatisticsResponse>(`/api/v1/users/${player.id}/statistics`).then(dataOf),
          ),
        ),
        get(`/api/v1/users/${stranger}/statistics`),
      ]);
      assert.deepEqual(
        answers,
        [...racesOf, ...racesOf].map((races) => statisticsOf(races)),
      );
      assert.equal(missing.status, 404);
      assert.equal(errorOf(missing).code, "USER_NOT_FOUND");
    });

    it("answers 304 to a client holding the current graph, and the graph once it changed", async () => {
      const mo = await newPlayer(db, "Mo", false);
      await record(db, race(mo.id, { wpm: 70 }));
      const url = `${server.url}/api/v1/users/${mo.id}/graph?last=5`;
      const first = await fetch(url);
      const etag = first.headers.get("etag");
      assert.equal(first.status, 200);
      assert.match(first.headers.get("content-type") ?? "", /^application\/json/);
      assert.ok(etag);
      // As a browser revalidates (fetch would otherwise add Cache-Control: no-cache).
      const revalidating = (tag: string) => ({ "if-none-match": tag, "cache-control": "max-age=0" });
      const again = await fetch(url, { headers: revalidating(etag) });
      assert.equal(again.status, 304);

      await record(db, race(mo.id, { wpm: 90, finishedAt: new Date("2025-03-11T12:00:00Z") }));
      const changed = await eventually("the graph to change", async () => {
        const answer = await fetch(url, { headers: revalidating(etag) });
        return answer.status === 200 && answer;
      });
      assert.deepEqual(
        ((await changed.json()) as { data: GraphResponse }).data.map((row) => row.wpm),
        [70, 90],
      );
    });

    it("goes gzipped to a client that takes gzip, with its own ETag, once it is large enough to gain", async () => {
      const lu = await newPlayer(db, "Lu", false);
      await recordAll(
        Array.from({ length: 30 }, (_, i) =>
          race(lu.id, { wpm: 40 + i, finishedAt: new Date(Date.UTC(2025, 5, 1, 12, i)) }),
        ),
      );
      const graph = (last: number, headers: Record<string, string>) =>
        rawGet(`${server.url}/api/v1/users/${lu.id}/graph?last=${last}`, headers);
      const browser = { "accept-encoding": "gzip, deflate, br, zstd" };
      const plain = await graph(30, {});
      const zipped = await graph(30, browser);
      assert.equal(plain.headers["content-encoding"], undefined);
      assert.equal(zipped.headers["content-encoding"], "gzip");
      assert.match(zipped.headers.vary ?? "", /\bAccept-Encoding\b/);
      assert.match(
        plain.headers.vary ?? "",
        /\bAccept-Encoding\b/,
        "a cache must not give either to the other",
      );
      assert.deepEqual(gunzipSync(zipped.body), plain.body);
      assert.ok(
        zipped.body.length < plain.body.length / 2,
        `${zipped.body.length} of ${plain.body.length} bytes`,
      );
      assert.equal((JSON.parse(plain.body.toString()) as { data: GraphResponse }).data.length, 30);
      // Two representations, two strong ETags; each revalidates its own.
      assert.notEqual(zipped.headers.etag, plain.headers.etag);
      assert.equal((await graph(30, { ...browser, "if-none-match": zipped.headers.etag! })).status, 304);
      assert.equal((await graph(30, { "if-none-match": plain.headers.etag! })).status, 304);
      // gzip refused, or a small answer: plain JSON.
      assert.equal(
        (await graph(30, { "accept-encoding": "gzip;q=0, br" })).headers["content-encoding"],
        undefined,
      );
      const small = await graph(1, browser);
      assert.equal(small.headers["content-encoding"], undefined);
      assert.doesNotMatch(small.headers.vary ?? "", /Accept-Encoding/);
    });
  });

  describe("history pages", () => {
    let page: (query: string) => Promise<HistoryResponse>;
    let races: Race[];
    before(async () => {
      const grace = await newPlayer(db, "Grace", true);
      races = Array.from({ length: 6 }, (_, i) =>
        race(grace.id, { wpm: 50 + i, finishedAt: new Date(Date.UTC(2025, 2, 10, 12, i)) }),
      );
      // An unfinished race too, older than the others: it is listed, last.
      races.push(race(grace.id, { rank: null, wpm: 12, startsAt: new Date(Date.UTC(2025, 2, 10, 11)) }));
      await recordAll(races);
      page = async (query) =>
        dataOf(await get<HistoryResponse>(`/api/v1/users/${grace.id}/history?${query}`));
    });

    it("fit in exactly one page", async () => {
      const one = await page("size=7");
      assert.deepEqual(
        { ...one, data: one.data.length },
        { total: 7, page: 1, size: 7, hasPrev: false, hasNext: false, data: 7 },
      );
    });

    it("end with a partial last page", async () => {
      const first = await page("page=1&size=4");
      const last = await page("page=2&size=4");
      assert.deepEqual([first.hasPrev, first.hasNext, first.data.length], [false, true, 4]);
      assert.deepEqual([last.hasPrev, last.hasNext, last.data.length], [true, false, 3]);
      assert.deepEqual(
        [...first.data, ...last.data].map((row) => [row.wpm, row.rank === null]),
        [
          [55, false],
          [54, false],
          [53, false],
          [52, false],
          [51, false],
          [50, false],
          [12, true],
        ],
        "newest first, each once, the unfinished one too",
      );
    });

    it("past the end are empty, with nothing next", async () => {
      assert.deepEqual(await page("page=3&size=4"), {
        total: 7,
        page: 3,
        size: 4,
        hasPrev: true,
        hasNext: false,
        data: [],
      });
      assert.deepEqual((await page("page=1000000&size=50")).data, []);
    });
  });

  describe("a player who has not raced yet", () => {
    it("gets zeros and empty lists, not an error", async () => {
      const { user, accessToken } = await signInGuest(server.url, "Newcomer");
      const own = (path: string) => get(`/api/v1/profile/${path}`, accessToken).then(dataOf);
      assert.deepEqual(await own("statistics"), {
        totalGames: 0,
        wpmBest: 0,
        accOfBest: 0,
        bestGameId: null,
        wpmAvg10: 0,
        accAvg10: 0,
        wpmAvgAll: 0,
        accAvgAll: 0,
        racesWon: 0,
        timeTypingSeconds: 0,
        rating: 1000,
        provisional: true,
        ratedRaces: 0,
      });
      assert.deepEqual(await own("graph?last=1000"), []);
      assert.deepEqual(await own("rating-history?last=1000"), []);
      assert.deepEqual(await own("history"), {
        total: 0,
        page: 1,
        size: 50,
        hasPrev: false,
        hasNext: false,
        data: [],
      });
      assert.deepEqual(await own("personal-bests"), {
        words: { "10": null, "25": null, "50": null, "100": null },
      });
      assert.deepEqual(dataOf(await get(`/api/v1/users/${user.id}`)), { user });
    });

    it("whose only races did not finish or were flagged has no best, win or average, but has played them", async () => {
      const tortoise = await newPlayer(db, "Tortoise", true);
      const races = [
        race(tortoise.id, { rank: null }),
        race(tortoise.id, { flagged: true, wpm: 250, rank: 1 }),
      ];
      await recordAll(races);
      const statistics = dataOf(await get<StatisticsResponse>(`/api/v1/users/${tortoise.id}/statistics`));
      assert.deepEqual(statistics, statisticsOf(races));
      assert.deepEqual([statistics.totalGames, statistics.wpmBest, statistics.bestGameId], [2, 0, null]);
      assert.deepEqual([statistics.racesWon, statistics.wpmAvgAll], [0, 0], "a flagged win is no win");
    });
  });

  describe("asking wrongly", () => {
    const someone = randomUUID();

    it("answers 404 USER_NOT_FOUND for a user who does not exist", async () => {
      for (const path of ["", "/statistics", "/graph", "/history", "/personal-bests"]) {
        const answer = await get(`/api/v1/users/${someone}${path}`);
        assert.equal(answer.status, 404, path);
        assert.equal(errorOf(answer).code, "USER_NOT_FOUND");
      }
    });

    it("answers 422 with details for a malformed user id or query", async () => {
      const cases: Array<[string, string]> = [
        [`/api/v1/users/not-a-uuid/statistics`, "params.userId"],
        [`/api/v1/users/${someone}/graph?last=0`, "query.last"],
        [`/api/v1/users/${someone}/graph?last=1001`, "query.last"],
        [`/api/v1/users/${someone}/graph?last=ten`, "query.last"],
        [`/api/v1/users/${someone}/graph?last=1.5`, "query.last"],
        [`/api/v1/users/${someone}/graph?last=5&last=6`, "query.last"],
        [`/api/v1/users/${someone}/graph?lats=5`, "query"],
        [`/api/v1/users/${someone}/history?page=0`, "query.page"],
        [`/api/v1/users/${someone}/history?size=51`, "query.size"],
        [`/api/v1/users/${someone}/history?size=0`, "query.size"],
        [`/api/v1/users/${someone}/history?page=-1`, "query.page"],
      ];
      for (const [path, field] of cases) {
        const answer = await get(path);
        assert.equal(answer.status, 422, path);
        const error = errorOf(answer);
        assert.equal(error.code, "VALIDATION_ERROR");
        assert.deepEqual(
          (error.details as Array<{ path: string }>).map((detail) => detail.path),
          [field],
          path,
        );
      }
    });

    it("asks for a sign-in on /api/v1/profile", async () => {
      const answer = await get("/api/v1/profile/statistics");
      assert.equal(answer.status, 401);
      assert.equal(errorOf(answer).code, "UNAUTHORIZED");
    });
  });
});

/** A GET whose body comes as sent (fetch would decompress it), with its status and headers. */
