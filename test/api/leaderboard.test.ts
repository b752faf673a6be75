/**
 * Leaderboards rank everyone in the database, so this file runs its own server on a scratch
 * database: the boards then hold exactly the races written here.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { BOARD_CACHE_MS } from "../../src/api/boardCache.ts";
import type { LeaderboardResponse, RatingLeaderboardResponse } from "../../src/api/contracts/profile.ts";
import { createTokenService } from "../../src/auth/tokens.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { call, dataOf, errorOf, rawGet } from "../support/http.ts";
import {
  leaderboardOf,
  newPlayer,
  onceShown,
  type Period,
  type Player,
  type Race,
  race,
  record,
  seededRandom,
  setRating,
} from "../support/profiles.ts";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server.ts";
import { createScratchDatabase } from "../support/services.ts";

const at = (iso: string) => new Date(iso);
const TODAY_TOP_20 = "period=daily&limit=20";

describe("leaderboards: GET /api/v1/leaderboards", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let server: TestServer;
  let db: Database;
  const tokens = createTokenService(TEST_JWT_SECRET);
  const tokenOf = async (player: Player) => (await tokens.issueAccessToken(player, 3600)).token;
  const players: Player[] = [];
  const races: Race[] = [];

  let ada: Player;
  let grace: Player;
  let lin: Player;
  let guestOwl: Player;
  let guestFox: Player;
  let cheat: Player;
  let slowpoke: Player;

  before(async function () {
    this.timeout(60_000);
    scratch = await createScratchDatabase("typephoon_leaderboard");
    server = await startTestServer({ DATABASE_URL: scratch.url });
    db = createDatabase(scratch.url);
    const player = async (name: string, guest: boolean) => {
      const one = await newPlayer(db, name, guest);
      players.push(one);
      return one;
    };
    ada = await player("Ada", false);
    grace = await player("Grace", false);
    lin = await player("Lin", false);
    guestOwl = await player("Owl (guest)", true);
    guestFox = await player("Fox (guest)", true);
    cheat = await player("Cheat", false);
    slowpoke = await player("Slowpoke", false);
    const crowd = await Promise.all(Array.from({ length: 12 }, (_, i) => player(`Racer ${i}`, i % 3 === 0)));

    const add = (one: Race) => races.push(one);
    // Sunday 9 March 2025, the last moment of the day and of its ISO week; then Monday.
    add(race(ada.id, { wpm: 90, finishedAt: at("2025-03-09T23:59:59.999Z") }));
    add(race(ada.id, { wpm: 80, finishedAt: at("2025-03-10T00:00:00.000Z") }));
    add(race(ada.id, { wpm: 85, finishedAt: at("2025-03-10T23:59:59.999Z") }));
    add(race(ada.id, { wpm: 99, finishedAt: at("2025-03-11T00:00:00.000Z") }));
    // Grace ties Ada's Monday best on wpm, with better accuracy.
    add(race(grace.id, { wpm: 85, acc: 99, finishedAt: at("2025-03-10T09:00:00.000Z") }));
    // Lin ties Ada on wpm and accuracy on Monday, and finished first.
    add(race(lin.id, { wpm: 85, acc: 96.5, finishedAt: at("2025-03-10T20:00:00.000Z") }));
    add(race(guestOwl.id, { wpm: 120, finishedAt: at("2025-03-10T12:00:00.000Z") }));
    add(race(guestFox.id, { wpm: 70, finishedAt: at("2025-03-12T12:00:00.000Z") }));
    // A flagged result never ranks; the cheat's honest one does.
    add(race(cheat.id, { wpm: 250, flagged: true, finishedAt: at("2025-03-10T10:00:00.000Z") }));
    add(race(cheat.id, { wpm: 40, finishedAt: at("2025-03-10T10:05:00.000Z") }));
    // A race that did not finish never ranks.
    add(race(slowpoke.id, { wpm: 130, rank: null }));
    add(race(slowpoke.id, { wpm: 20, finishedAt: at("2025-03-10T15:00:00.000Z") }));
    // Other lengths have boards of their own.
    add(race(ada.id, { wpm: 140, wordCount: 10, finishedAt: at("2025-03-10T08:00:00.000Z") }));
    add(race(grace.id, { wpm: 75, wordCount: 50, finishedAt: at("2025-03-10T08:00:00.000Z") }));
    add(race(lin.id, { wpm: 66, wordCount: 100, finishedAt: at("2025-03-13T08:00:00.000Z") }));
    // And a crowd, over two weeks.
    const random = seededRandom(9);
    for (const one of crowd) {
      for (let i = 0; i < 6; i++) {
        add(
          race(one.id, {
            wpm: Math.round((40 + random() * 70) * 100) / 100,
            acc: Math.round((85 + random() * 15) * 100) / 100,
            finishedAt: new Date(Date.UTC(2025, 2, 4) + Math.floor(random() * 14 * 86_400_000)),
            wordCount: random() < 0.8 ? 25 : 50,
            flagged: random() < 0.1,
          }),
        );
      }
    }
    // Players' races one after another, players side by side.
    await Promise.all(
      players.map(async (one) => {
        for (const mine of races.filter((each) => each.userId === one.id)) await record(db, mine);
      }),
    );
  });
  after(async () => {
    await db?.close();
    await server?.stop();
    await scratch?.drop();
  });

  const board = async (query: string, token?: string) =>
    dataOf(
      await call<LeaderboardResponse>(server.url, `/api/v1/leaderboards?${query}`, token ? { token } : {}),
    );
  const expected = (period: Period, words: number, day: string) =>
    leaderboardOf(races, players, { period, words, at: at(`${day}T00:00:00Z`) });
  const names = (answer: LeaderboardResponse) => answer.entries.map((entry) => entry.name);

  it("ranks each player's best of the UTC day, guests included, flagged results not", async () => {
    const monday = await board("period=daily&words=25&date=2025-03-10");
    assert.deepEqual(monday.entries, expected("daily", 25, "2025-03-10").slice(0, 50));
    assert.deepEqual(
      names(monday).filter((name) => !name.startsWith("Racer")),
      ["Owl (guest)", "Grace", "Lin", "Ada", "Cheat", "Slowpoke"],
      "ties: accuracy first, then the earlier finish",
    );
    assert.equal(
      monday.entries.find((entry) => entry.name === "Ada")!.finishedAt,
      "2025-03-10T23:59:59.999Z",
    );
    assert.equal(monday.entries.find((entry) => entry.name === "Cheat")!.wpm, 40);
    assert.deepEqual([monday.period, monday.words, monday.periodStart], ["daily", 25, "2025-03-10"]);
  });

  it("splits days at midnight UTC: 23:59:59.999 is the day before, 00:00 the day after", async () => {
    const sunday = await board("period=daily&date=2025-03-09");
    assert.deepEqual(sunday.entries, expected("daily", 25, "2025-03-09"));
    assert.equal(sunday.entries.find((entry) => entry.name === "Ada")!.wpm, 90);
    const tuesday = await board("period=daily&date=2025-03-11");
    assert.equal(tuesday.entries.find((entry) => entry.name === "Ada")!.wpm, 99);
  });

  it("ranks ISO weeks, Monday 00:00 UTC to Sunday 23:59:59.999", async () => {
    for (const day of ["2025-03-03", "2025-03-09", "2025-03-10", "2025-03-12", "2025-03-16", "2025-03-17"]) {
      const week = await board(`period=weekly&words=25&date=${day}`);
      assert.deepEqual(week.entries, expected("weekly", 25, day), day);
    }
    const lastWeek = await board("period=weekly&date=2025-03-09");
    assert.equal(lastWeek.periodStart, "2025-03-03");
    assert.equal(lastWeek.entries.find((entry) => entry.name === "Ada")!.wpm, 90);
    const thisWeek = await board("period=weekly&date=2025-03-10");
    assert.equal(thisWeek.periodStart, "2025-03-10");
    assert.equal(thisWeek.entries.find((entry) => entry.name === "Ada")!.wpm, 99);
  });

  it("ranks registered players only on the all-time board", async () => {
    const all = await board("period=all&words=25&limit=100");
    assert.deepEqual(all.entries, expected("all", 25, "2025-03-10"));
    assert.ok(all.entries.every((entry) => !entry.guest));
    assert.equal(all.periodStart, null);
    assert.ok(
      (await board("period=daily&date=2025-03-12")).entries.some((entry) => entry.name === "Fox (guest)"),
    );
  });

  it("has a board per text length", async () => {
    for (const words of [10, 50, 100]) {
      for (const period of ["daily", "weekly", "all"] as const) {
        const query = `period=${period}&words=${words}${period === "all" ? "" : "&date=2025-03-13"}`;
        assert.deepEqual((await board(query)).entries, expected(period, words, "2025-03-13"), query);
      }
    }
  });

  it("shows the top `limit`, and a signed-in caller's own place even below it", async () => {
    const full = expected("daily", 25, "2025-03-10");
    const top = await board("period=daily&date=2025-03-10&limit=2", await tokenOf(slowpoke));
    assert.deepEqual(top.entries, full.slice(0, 2));
    const own = full.find((entry) => entry.userId === slowpoke.id)!;
    assert.ok(own.rank > 2);
    assert.deepEqual(top.me, own);

    const leader = full[0]!;
    const asLeader = await board(
      "period=daily&date=2025-03-10&limit=2",
      await tokenOf(players.find((p) => p.id === leader.userId)!),
    );
    assert.deepEqual(asLeader.me, leader);
  });

  it("sends a signed-in caller's board gzipped to a client that takes gzip: the same JSON, its own ETag", async () => {
    const token = await tokenOf(slowpoke);
    const url = `${server.url}/api/v1/leaderboards?period=daily&date=2025-03-10&limit=25`;
    const asked = (headers: Record<string, string>) =>
      rawGet(url, { authorization: `Bearer ${token}`, ...headers });
    const browser = { "accept-encoding": "gzip, deflate, br, zstd" };
    const [plain, zipped] = [await asked({}), await asked(browser)];
    assert.equal(plain.headers["content-encoding"], undefined);
    assert.equal(zipped.headers["content-encoding"], "gzip");
    assert.match(zipped.headers.vary ?? "", /\bAccept-Encoding\b/);
    assert.deepEqual(gunzipSync(zipped.body), plain.body);
    assert.equal(
      (JSON.parse(plain.body.toString()) as { data: LeaderboardResponse }).data.me?.userId,
      slowpoke.id,
    );
    assert.ok(zipped.body.length < plain.body.length, `${zipped.body.length} of ${plain.body.length} bytes`);
    assert.notEqual(zipped.headers.etag, plain.headers.etag);
    assert.equal((await asked({ ...browser, "if-none-match": zipped.headers.etag! })).status, 304);
    assert.equal((await asked({ "if-none-match": plain.headers.etag! })).status, 304);

    // Asked anonymously, the kept answer goes gzipped too, its place null.
    const anonymous = await rawGet(url, browser);
    assert.equal(anonymous.headers["content-encoding"], "gzip");
    const answer = JSON.parse(gunzipSync(anonymous.body).toString()) as { data: LeaderboardResponse };
    assert.equal(answer.data.me, null);
    assert.deepEqual(
      answer.data.entries,
      (JSON.parse(plain.body.toString()) as { data: LeaderboardResponse }).data.entries,
    );
  });

  it("shows each of many callers at once their own place, on each board they ask", async () => {
    // The places asked on one board at one moment share a query (boardPlacer): none may get another's.
    const asked = players.flatMap((player) => ["2025-03-10", "2025-03-12"].map((day) => ({ player, day })));
    const answers = await Promise.all(
      asked.map(async ({ player, day }) => board(`period=daily&date=${day}&limit=2`, await tokenOf(player))),
    );
    asked.forEach(({ player, day }, i) => {
      const own = expected("daily", 25, day).find((entry) => entry.userId === player.id) ?? null;
      assert.deepEqual(answers[i]!.me, own, `${player.name} on ${day}`);
    });
    assert.ok(answers.filter((answer) => answer.me !== null).length > 2, "many are on a board");
  });

  it("has no own place for the anonymous, for those not on the board, and for guests of all time", async () => {
    assert.equal((await board("period=daily&date=2025-03-10")).me, null);
    assert.equal((await board("period=daily&date=2025-03-12", await tokenOf(slowpoke))).me, null);
    assert.equal((await board("period=all", await tokenOf(guestOwl))).me, null);
    assert.equal((await board("period=daily&date=2025-03-10", await tokenOf(guestOwl))).me?.rank, 1);
  });

  it("shows today's board of this server's race length (RACE_WORDS) by default", async () => {
    const now = new Date();
    const today = race(grace.id, { wpm: 77.77, finishedAt: now });
    races.push(today);
    await record(db, today);
    const daily = await board("");
    assert.deepEqual([daily.period, daily.words], ["daily", 25]);
    assert.equal(daily.periodStart, now.toISOString().slice(0, 10));
    assert.ok(daily.entries.some((entry) => entry.gameId === today.gameId));
    assert.ok((await board("period=weekly")).entries.some((entry) => entry.gameId === today.gameId));
  });

  it("keeps a board's top for a second, for every caller", async () => {
    // A board no other test reads, so that it is kept from this first read on.
    const before = await board(TODAY_TOP_20);
    const readAt = performance.now();
    const latest = race(lin.id, { wpm: 188.8, finishedAt: new Date() });
    races.push(latest);
    await record(db, latest);
    const listsLatest = (answer: LeaderboardResponse) =>
      answer.entries.some((entry) => entry.gameId === latest.gameId);
    const anonymous = await board(TODAY_TOP_20);
    // Slowpoke has no race today: no place of his own, so the kept top agrees with him.
    const asSlowpoke = await board(TODAY_TOP_20, await tokenOf(slowpoke));
    assert.equal(asSlowpoke.me, null);
    if (performance.now() - readAt < BOARD_CACHE_MS) {
      assert.deepEqual(anonymous, before, "the kept top");
      assert.deepEqual(asSlowpoke.entries, before.entries, "the kept top, signed in");
    }
    await new Promise((resolve) => setTimeout(resolve, BOARD_CACHE_MS));
    assert.ok(listsLatest(await board(TODAY_TOP_20)), "a second later");
  });

  it("shows a signed-in caller where their place says: the top is read again if it does not", async () => {
    // Today: Lin 188.8, Grace 77.77 (the tests above). A board no other test reads.
    const todayTop2 = "period=daily&limit=2";
    const place = (answer: LeaderboardResponse) => answer.me?.rank;
    const listed = (answer: LeaderboardResponse, player: Player) =>
      answer.entries.some((entry) => entry.userId === player.id);
    const newBest = async (player: Player, wpm: number) => {
      const one = race(player.id, { wpm, finishedAt: new Date() });
      races.push(one);
      await record(db, one);
      return one;
    };
    // The races are written as another process would: a place shows them from their notice on
    // (src/db/keptBoards.ts), within milliseconds.
    const shown = async (player: Player, rank: number) => {
      const token = await tokenOf(player);
      let answer!: LeaderboardResponse;
      await onceShown(async () => {
        answer = await board(todayTop2, token);
        return place(answer);
      }, rank);
      return answer;
    };
    assert.deepEqual(names(await board(todayTop2)), ["Lin", "Grace"]);

    // Ada's new best puts her first: her place says so, and so does the top she sees.
    const adas = await newBest(ada, 199.9);
    const asAda = await shown(ada, 1);
    assert.equal(asAda.me?.gameId, adas.gameId);
    assert.deepEqual(names(asAda), ["Ada", "Lin"]);
    assert.deepEqual(asAda.entries[0], asAda.me);

    // Grace, passed, is 3rd: not in the top beside her place.
    const asGrace = await shown(grace, 3);
    assert.ok(!listed(asGrace, grace));

    // Fox's new best is 2nd; Lin, listed 2nd in the kept top, is now 3rd: the top is read again.
    const readAt = performance.now();
    await newBest(guestFox, 195);
    const asLin = await shown(lin, 3);
    assert.deepEqual(names(asLin), ["Ada", "Fox (guest)"]);

    // A caller below the top gets the kept top with their place as it is now: the list may lag a
    // result by up to a second, their own place never lags its notice.
    await newBest(guestOwl, 198);
    const asGraceAgain = await shown(grace, 5);
    if (performance.now() - readAt < BOARD_CACHE_MS) {
      assert.deepEqual(names(asGraceAgain), ["Ada", "Fox (guest)"], "the top kept a moment ago");
    }
  });

  describe("the rating board: board=rating", () => {
    const ratingBoard = async (query: string, token?: string) =>
      dataOf(
        await call<RatingLeaderboardResponse>(
          server.url,
          `/api/v1/leaderboards?board=rating&${query}`,
          token ? { token } : {},
        ),
      );
    const row = (player: Player, rank: number, rating: number, ratedRaces: number) => ({
      rank,
      userId: player.id,
      name: player.name,
      rating,
      ratedRaces,
    });

    it("is empty while nobody has 10 rated races", async () => {
      assert.deepEqual(await ratingBoard("limit=3"), { board: "rating", entries: [], me: null });
    });

    it("ranks registered players with 10 rated races or more by rating, then id; not guests, not the provisional", async () => {
      await setRating(db, ada.id, 1300, 15);
      await setRating(db, grace.id, 1300, 10);
      await setRating(db, cheat.id, 900, 40);
      await setRating(db, lin.id, 1450, 9);
      await setRating(db, guestOwl.id, 1500, 30);
      const [first, second] = [ada, grace].sort((a, b) => (a.id < b.id ? -1 : 1)) as [Player, Player];
      const expected = [
        row(first, 1, 1300, first === ada ? 15 : 10),
        row(second, 2, 1300, second === ada ? 15 : 10),
        row(cheat, 3, 900, 40),
      ];
      assert.deepEqual(await ratingBoard("limit=4"), { board: "rating", entries: expected, me: null });
      assert.deepEqual(
        (await ratingBoard("limit=4&period=weekly&words=10")).entries,
        expected,
        "period and words do not apply",
      );
      assert.deepEqual((await ratingBoard("limit=2")).entries, expected.slice(0, 2));

      // The caller's own place, even below the top; none for the provisional or a guest.
      assert.deepEqual((await ratingBoard("limit=5", await tokenOf(cheat))).me, row(cheat, 3, 900, 40));
      assert.deepEqual((await ratingBoard("limit=1", await tokenOf(cheat))).me, row(cheat, 3, 900, 40));
      assert.equal((await ratingBoard("limit=5", await tokenOf(lin))).me, null);
      assert.equal((await ratingBoard("limit=5", await tokenOf(guestOwl))).me, null);
    });

    it("shows a caller who just climbed where they are now, the top read again around them", async () => {
      assert.deepEqual((await ratingBoard("limit=6")).entries.map((entry) => entry.name).at(-1), "Cheat");
      await setRating(db, cheat.id, 1600, 41);
      const asCheat = await ratingBoard("limit=6", await tokenOf(cheat));
      assert.deepEqual(asCheat.me, row(cheat, 1, 1600, 41));
      assert.deepEqual(asCheat.entries[0], asCheat.me);
    });

    it("leaves the wpm boards as they were: board=wpm is the default", async () => {
      const query = "period=daily&words=25&date=2025-03-10";
      assert.deepEqual(await board(`board=wpm&${query}`), await board(query));
      assert.deepEqual((await board(query)).entries, expected("daily", 25, "2025-03-10").slice(0, 50));
    });
  });

  it("answers 422 with details for bad query values, and 401 for a bad token", async () => {
    const cases: Array<[string, string]> = [
      ["period=monthly", "query.period"],
      ["words=0", "query.words"],
      ["words=501", "query.words"],
      ["words=abc", "query.words"],
      ["limit=0", "query.limit"],
      ["limit=101", "query.limit"],
      ["date=2025-02-30", "query.date"],
      ["date=10-03-2025", "query.date"],
      ["period=all&date=2025-03-10", "query.date"],
      ["top=5", "query"],
      ["board=elo", "query.board"],
    ];
    // Twice each: a query is parsed once and kept, but only when it is good.
    for (const [query, field] of [...cases, ...cases]) {
      const answer = await call(server.url, `/api/v1/leaderboards?${query}`);
      assert.equal(answer.status, 422, query);
      const error = errorOf(answer);
      assert.equal(error.code, "VALIDATION_ERROR");
      assert.deepEqual(
        (error.details as Array<{ path: string }>).map((detail) => detail.path),
        [field],
        query,
      );
    }
    const badToken = await call(server.url, "/api/v1/leaderboards", { token: "not-a-token" });
    assert.equal(badToken.status, 401);
    assert.equal(errorOf(badToken).code, "UNAUTHORIZED");
  });
});
