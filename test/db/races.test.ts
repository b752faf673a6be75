import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { rebuildAggregates } from "../../src/db/bests.ts";
import { createDatabase, type Database, sqlOver } from "../../src/db/database.ts";
import { abandonGames } from "../../src/db/games.ts";
import { applyMigrations } from "../../src/db/migrations.ts";
import { bestWpmByUser, type NewGame, raceStore, recordResult } from "../../src/db/races.ts";
import { NEW_SKILL, rateRace, type Skill, shownRating } from "../../src/game/rating.ts";
import type { RaceMode } from "../../src/protocol.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { eventually } from "../support/players.ts";
import {
  createGameOf,
  newPlayer,
  type Player,
  personalBestFlags,
  type Race,
  race,
  record,
  resultOf,
  seededRandom,
  statisticsOf,
} from "../support/profiles.ts";

describe("race results (src/db/races.ts)", () => {
  let db: Database;
  before(async () => {
    await applyMigrations(testDatabaseUrl());
    db = createDatabase(testDatabaseUrl());
  });
  after(async () => {
    await db?.close();
  });

  const storedFlag = async (one: Race) =>
    (
      await db.prisma.gameResult.findUniqueOrThrow({
        where: { gameId_userId: { gameId: one.gameId, userId: one.userId } },
        select: { isPersonalBest: true },
      })
    ).isPersonalBest;
  const allTimeBest = (userId: string, wordCount: number) =>
    db.prisma.bestResult.findFirst({
      where: { userId, period: "all", wordCount },
      select: { gameId: true, wpm: true },
    });

  describe("createGame", () => {
    it("writes the rows of 30 races started at once, each once, words exactly as given", async () => {
      const store = raceStore(db);
      const startsAt = new Date(Date.UTC(2026, 10, 29, 12, 0, 0, 123));
      const games: NewGame[] = Array.from({ length: 30 }, (_, i) => ({
        id: randomUUID(),
        mode: "public",
        words: ["plain", 'a "quoted" word', "back\\slash", "{brace},comma", "naïve", "NULL", `w${i}`],
        playerCount: (i % 5) + 1,
        startsAt: new Date(startsAt.getTime() + i),
      }));
      // Every game twice: a retried write (the journal replays them) changes nothing.
      await Promise.all([...games, ...games].map((game) => store.createGame(game)));
      const rows = await db.prisma.game.findMany({
        where: { id: { in: games.map((game) => game.id) } },
        select: {
          id: true,
          mode: true,
          words: true,
          wordCount: true,
          playerCount: true,
          status: true,
          startsAt: true,
        },
      });
      assert.deepEqual(
        rows.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()),
        games.map(({ id, mode, words, playerCount, startsAt }) => ({
          id,
          mode,
          words,
          wordCount: words.length,
          playerCount,
          status: "countdown",
          startsAt,
        })),
      );
    });
  });

  describe("recordResult", () => {
    it("calls a race a personal best only when it beats every earlier finished, unflagged one of its length", async () => {
      const ada = await newPlayer(db, "Ada", false);
      const t = (minute: number) => new Date(Date.UTC(2025, 2, 10, 12, minute));
      const story: Array<[string, Race, boolean]> = [
        ["her first 25-word race", race(ada.id, { wpm: 50, finishedAt: t(0) }), true],
        ["slower", race(ada.id, { wpm: 40, finishedAt: t(1) }), false],
        ["as fast, not faster", race(ada.id, { wpm: 50, acc: 100, finishedAt: t(2) }), false],
        ["faster but flagged", race(ada.id, { wpm: 90, flagged: true, finishedAt: t(3) }), false],
        ["faster but not finished", race(ada.id, { wpm: 95, rank: null }), false],
        ["her first 10-word race", race(ada.id, { wpm: 30, wordCount: 10, finishedAt: t(4) }), true],
        ["faster than 50, slower than the flagged 90", race(ada.id, { wpm: 55.5, finishedAt: t(5) }), true],
        ["a hundredth faster", race(ada.id, { wpm: 55.51, rank: 3, finishedAt: t(6) }), true],
      ];
      for (const [what, one, expected] of story) {
        assert.deepEqual(await record(db, one), { isPersonalBest: expected }, what);
        assert.equal(await storedFlag(one), expected, `${what}: stored`);
      }
      assert.deepEqual(
        story.map(([, , expected]) => expected),
        personalBestFlags(story.map(([, one]) => one)),
        "the reckoning agrees",
      );
      assert.deepEqual(await allTimeBest(ada.id, 25), { gameId: story[7]![1].gameId, wpm: 55.51 });
    });

    it("records a result once: writing it again changes nothing and answers as the first time", async () => {
      const grace = await newPlayer(db, "Grace", true);
      const first = race(grace.id, { wpm: 70 });
      assert.deepEqual(await record(db, first), { isPersonalBest: true });
      await record(db, race(grace.id, { wpm: 80, finishedAt: new Date("2025-03-10T13:00:00Z") }));

      // Replayed from the journal after the faster race: still the personal best it was.
      assert.deepEqual(await recordResult(db, resultOf(first)), { isPersonalBest: true });
      assert.deepEqual(await recordResult(db, resultOf({ ...first, wpm: 200 })), { isPersonalBest: true });
      const stored = await db.prisma.gameResult.findMany({
        where: { userId: grace.id },
        select: { wpm: true },
      });
      assert.deepEqual(stored.map((row) => row.wpm).sort(), [70, 80]);
      const stats = await db.prisma.userStats.findUniqueOrThrow({ where: { userId: grace.id } });
      assert.equal(stats.races, 2, "counted once");
    });

    it("keeps personal bests and totals right when 50 results of one player are written at once", async () => {
      const hare = await newPlayer(db, "Hare", false);
      const random = seededRandom(50);
      const races = Array.from({ length: 50 }, (_, i) =>
        race(hare.id, {
          wpm: 40 + i + Math.round(random() * 99) / 100,
          rank: 1 + (i % 3),
          durationMs: 10_000 + i,
          finishedAt: new Date(Date.UTC(2025, 2, 10, 12, 0, i)),
          flagged: i === 49,
        }),
      );
      for (const one of races) await createGameOf(db, one);
      const shuffled = [...races].sort(() => random() - 0.5);
      const answers = await Promise.all(shuffled.map((one) => recordResult(db, resultOf(one))));

      for (const [i, one] of shuffled.entries()) {
        assert.equal(await storedFlag(one), answers[i]!.isPersonalBest, "stored as answered");
      }
      const fastest = races[48]!;
      assert.equal(
        await storedFlag(fastest),
        true,
        "the fastest unflagged race was a personal best when written",
      );
      assert.equal(await storedFlag(races[49]!), false, "the flagged one never is");
      assert.deepEqual(await allTimeBest(hare.id, 25), { gameId: fastest.gameId, wpm: fastest.wpm });

      // Written one after another in some order: each flagged race beat all those written before.
      const flagged = shuffled.filter((_, i) => answers[i]!.isPersonalBest);
      assert.ok(flagged.length >= 1);
      const stats = await db.prisma.userStats.findUniqueOrThrow({ where: { userId: hare.id } });
      const expected = statisticsOf(races);
      const counted = races.filter((one) => !one.flagged);
      assert.equal(stats.played, expected.totalGames);
      assert.equal(stats.races, counted.length, "the flagged race counts in no average");
      assert.equal(stats.racesWon, expected.racesWon);
      assert.equal(Number(stats.typingMs), expected.timeTypingSeconds * 1000);
      assert.equal(
        Number(stats.wpmCentis),
        counted.reduce((sum, one) => sum + Math.round(one.wpm * 100), 0),
      );
    });

    it("compares a result that waited for its player with the best the guest's races brought in meanwhile", async () => {
      const guest = await newPlayer(db, "Guest", true);
      const owner = await newPlayer(db, "Owner", false);
      await record(db, race(owner.id, { wpm: 70 }));
      const brought = race(guest.id, { wpm: 90 });
      await record(db, brought);

      // A guest's move into the account (src/db/accounts.ts) holds both players while it runs.
      const merge = new pg.Client({ connectionString: testDatabaseUrl() });
      await merge.connect();
      try {
        await merge.query("BEGIN");
        await merge.query("SELECT id FROM users WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE", [
          [guest.id, owner.id],
        ]);
        await merge.query("UPDATE game_results SET user_id = $1 WHERE user_id = $2", [owner.id, guest.id]);
        await rebuildAggregates(sqlOver(merge), [guest.id, owner.id]);
        const waiting = record(db, race(owner.id, { wpm: 80, finishedAt: new Date("2025-03-10T12:05:00Z") }));
        await eventually("the result waiting for its player", async () => {
          const { rows } = await merge.query(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
          );
          return rows.length > 0;
        });
        await merge.query("COMMIT");
        assert.deepEqual(await waiting, { isPersonalBest: false }, "slower than the 90 brought in");
      } finally {
        await merge.end();
      }
      assert.deepEqual(await allTimeBest(owner.id, 25), { gameId: brought.gameId, wpm: 90 });
      const stats = await db.prisma.userStats.findUniqueOrThrow({ where: { userId: owner.id } });
      assert.equal(stats.races, 3);
    });

    it("writes a result that did not finish as played, counting it in no average, win or best", async () => {
      const tortoise = await newPlayer(db, "Tortoise", true);
      assert.deepEqual(await record(db, race(tortoise.id, { rank: null, wpm: 12, durationMs: 7_000 })), {
        isPersonalBest: false,
      });
      const stats = await db.prisma.userStats.findUniqueOrThrow({ where: { userId: tortoise.id } });
      assert.deepEqual(
        [stats.played, stats.races, stats.racesWon, stats.wpmCentis, stats.accCentis, stats.typingMs],
        [1, 0, 0, 0n, 0n, 7_000n],
        "played, and its typing time counts",
      );
      assert.equal(await db.prisma.bestResult.count({ where: { userId: tortoise.id } }), 0);
    });

    it("fails, writing nothing, for a user who does not exist", async () => {
      const ghost = race("00000000-0000-4000-8000-000000000000");
      await assert.rejects(record(db, ghost));
      assert.equal(await db.prisma.gameResult.count({ where: { gameId: ghost.gameId } }), 0);
    });
  });

  describe("the store's results of one moment", () => {
    /** `db`, counting its transactions. */
    const counted = () => {
      const transactions = { count: 0 };
      const counting: Database = {
        ...db,
        sql: {
          ...db.sql,
          transaction: (work) => {
            transactions.count++;
            return db.sql.transaction(work);
          },
        },
      };
      return { transactions, counting };
    };

    it("go in one transaction, each answered as if written alone, one player's in the order given", async () => {
      const [ida, jon, kim] = await Promise.all([
        newPlayer(db, "Ida", false),
        newPlayer(db, "Jon", false),
        newPlayer(db, "Kim", true),
      ]);
      const at = (second: number) => new Date(Date.UTC(2025, 2, 11, 12, 0, second));
      const races = [
        race(ida.id, { wpm: 50, finishedAt: at(1) }),
        race(jon.id, { wpm: 70, finishedAt: at(2) }),
        race(ida.id, { wpm: 40, finishedAt: at(3) }),
        race(kim.id, { wpm: 90, finishedAt: at(4), flagged: true }),
        race(ida.id, { wpm: 55, finishedAt: at(5) }),
        race(jon.id, { wpm: 65, finishedAt: at(6), rank: null }),
      ];
      for (const one of races) await createGameOf(db, one);
      const { transactions, counting } = counted();
      const store = raceStore(counting);

      const answers = await Promise.all(races.map((one) => store.recordResult(resultOf(one))));
      assert.equal(transactions.count, 1);
      assert.deepEqual(
        answers.map((answer) => answer.isPersonalBest),
        [true, true, false, false, true, false],
      );
      for (const [i, one] of races.entries()) {
        assert.equal(await storedFlag(one), answers[i]!.isPersonalBest, "stored as answered");
      }
      assert.deepEqual(await allTimeBest(ida.id, 25), { gameId: races[4]!.gameId, wpm: 55 });
      const stats = await db.prisma.userStats.findUniqueOrThrow({ where: { userId: ida.id } });
      assert.equal(stats.races, 3);

      // Written again (the journal replays): nothing changes, each answered as the first time.
      const again = await Promise.all(races.map((one) => store.recordResult(resultOf(one))));
      assert.deepEqual(again, answers);
      assert.equal(await db.prisma.gameResult.count({ where: { userId: ida.id } }), 3);
    });

    it("answer a result given twice in one moment once, as the first time", async () => {
      const nia = await newPlayer(db, "Nia", false);
      // Two copies (the journal replaying a write that was also made directly), then a slower race.
      const fast = race(nia.id, { wpm: 80 });
      const races = [fast, fast, race(nia.id, { wpm: 75 })];
      for (const one of races) await createGameOf(db, one);
      const { transactions, counting } = counted();
      const store = raceStore(counting);

      const answers = await Promise.all(races.map((one) => store.recordResult(resultOf(one))));
      assert.deepEqual(
        answers.map((answer) => answer.isPersonalBest),
        [true, true, false],
      );
      assert.equal(transactions.count, 1);
      const stats = await db.prisma.userStats.findUniqueOrThrow({ where: { userId: nia.id } });
      assert.equal(stats.races, 2, "counted once");
    });

    it("are written around one that PostgreSQL refuses, which fails alone", async () => {
      const [lea, max] = await Promise.all([newPlayer(db, "Lea", true), newPlayer(db, "Max", false)]);
      const ghost = race("00000000-0000-4000-8000-000000000001");
      const races = [race(lea.id, { wpm: 61 }), ghost, race(max.id, { wpm: 72 })];
      for (const one of races) await createGameOf(db, one);
      const { transactions, counting } = counted();
      const store = raceStore(counting);

      const outcomes = await Promise.allSettled(races.map((one) => store.recordResult(resultOf(one))));
      assert.deepEqual(
        outcomes.map((outcome) => outcome.status),
        ["fulfilled", "rejected", "fulfilled"],
      );
      assert.equal(transactions.count, 4, "together, then each alone");
      assert.equal(
        await db.prisma.gameResult.count({ where: { gameId: { in: races.map((one) => one.gameId) } } }),
        2,
      );
      assert.equal(await storedFlag(races[0]!), true);
      assert.equal(await storedFlag(races[2]!), true);
    });

    it("of two processes, sharing players in opposite orders, never deadlock", async () => {
      const players = await Promise.all(
        Array.from({ length: 20 }, (_, i) => newPlayer(db, `Lock ${i}`, false)),
      );
      for (let round = 0; round < 5; round++) {
        const mine = players.map((player) => race(player.id, { wpm: 40 + round }));
        const theirs = players.map((player) => race(player.id, { wpm: 60 + round })).reverse();
        for (const one of [...mine, ...theirs]) await createGameOf(db, one);
        // Two stores: two server processes, each with its own statement in flight.
        const [first, second] = [raceStore(db), raceStore(db)];
        await Promise.all([
          ...mine.map((one) => first.recordResult(resultOf(one))),
          ...theirs.map((one) => second.recordResult(resultOf(one))),
        ]);
      }
      const stats = await db.prisma.userStats.findMany({
        where: { userId: { in: players.map((player) => player.id) } },
        select: { races: true },
      });
      assert.deepEqual(
        stats.map((row) => row.races),
        players.map(() => 10),
      );
    });
  });

  describe("endGame: the rating (src/game/rating.ts)", () => {
    /** A player's place in a story race: a rank (null: did not finish), and whether they typed. */
    type Entry = { player: Player; rank: number | null; typed?: boolean; flagged?: boolean };

    /** A race as the room writes it: the game, every result, not yet ended. */
    async function played(mode: RaceMode, entries: Entry[]): Promise<string> {
      const gameId = randomUUID();
      const startsAt = new Date(Date.UTC(2025, 2, 12, 12));
      for (const [i, { player, rank, typed = true, flagged = false }] of entries.entries()) {
        const one = race(player.id, { gameId, rank, flagged, mode, playerCount: entries.length, startsAt });
        if (i === 0) await createGameOf(db, one);
        await recordResult(db, {
          ...resultOf(one),
          keystrokes: typed ? resultOf(one).keystrokes : new Uint8Array(),
        });
      }
      return gameId;
    }
    const skillOf = (player: Player) =>
      db.prisma.user.findUniqueOrThrow({
        where: { id: player.id },
        select: { mu: true, sigma: true, rating: true, ratedRaces: true },
      });
    const ratingsOf = async (gameId: string) =>
      Object.fromEntries(
        (
          await db.prisma.gameResult.findMany({
            where: { gameId },
            select: { userId: true, ratingBefore: true, ratingAfter: true },
          })
        ).map(({ userId, ...ratings }) => [userId, ratings]),
      );
    const newcomers = (count: number) =>
      Promise.all(Array.from({ length: count }, (_, i) => newPlayer(db, `Racer ${i}`, i % 2 === 0)));

    it("rates a public race once, in the game's end: skills, rated races, each result's before and after", async () => {
      const [winner, second, quitter, idle] = await newcomers(4);
      const gameId = await played("public", [
        { player: winner!, rank: 1 },
        { player: second!, rank: 2 },
        { player: quitter!, rank: null },
        { player: idle!, rank: null, typed: false },
      ]);
      const store = raceStore(db);
      const changes = await store.endGame(gameId, new Date());

      const expected = rateRace(
        [
          { userId: winner!.id, place: 1 },
          { userId: second!.id, place: 2 },
          { userId: quitter!.id, place: 3 },
        ],
        new Map(),
      );
      for (const player of [winner!, second!, quitter!]) {
        const skill = expected.get(player.id)!;
        const rating = shownRating(skill);
        assert.deepEqual(await skillOf(player), { ...skill, rating, ratedRaces: 1 }, player.name);
        assert.deepEqual(changes.get(player.id), { ratingBefore: 1000, ratingAfter: rating });
      }
      assert.deepEqual(await skillOf(idle!), { ...NEW_SKILL, rating: 1000, ratedRaces: 0 }, "never typed");
      assert.equal(changes.size, 3);
      assert.deepEqual(await ratingsOf(gameId), {
        ...Object.fromEntries([...changes]),
        [idle!.id]: { ratingBefore: null, ratingAfter: null },
      });
      const game = await db.prisma.game.findUniqueOrThrow({ where: { id: gameId } });
      assert.equal(game.status, "finished");

      // The journal replays the end: nothing changes, and it answers what the first did.
      const before = await Promise.all([winner!, second!, quitter!].map(skillOf));
      const replayed = await Promise.all([
        store.endGame(gameId, new Date()),
        store.endGame(gameId, new Date()),
      ]);
      for (const answer of replayed) assert.deepEqual(answer, changes);
      assert.deepEqual(await Promise.all([winner!, second!, quitter!].map(skillOf)), before);
      const again = await db.prisma.game.findUniqueOrThrow({ where: { id: gameId } });
      assert.deepEqual(again.endedAt, game.endedAt, "the first end stays");
    });

    it("rates nothing of a private race, a race of one typist, or a flagged result", async () => {
      const [a, b, c] = await newcomers(3);
      const store = raceStore(db);
      const unrated = [
        await played("private", [
          { player: a!, rank: 1 },
          { player: b!, rank: 2 },
        ]),
        await played("public", [
          { player: a!, rank: 1 },
          { player: b!, rank: null, typed: false },
        ]),
        await played("public", [
          { player: a!, rank: 1, flagged: true },
          { player: c!, rank: 2 },
        ]),
      ];
      for (const gameId of unrated) {
        assert.equal((await store.endGame(gameId, new Date())).size, 0);
        assert.ok(Object.values(await ratingsOf(gameId)).every((r) => r.ratingBefore === null));
      }
      for (const player of [a!, b!, c!]) {
        assert.deepEqual(await skillOf(player), { ...NEW_SKILL, rating: 1000, ratedRaces: 0 });
      }
    });

    it("never rates a race closed as abandoned, even when its end arrives after all", async () => {
      const [a, b] = await newcomers(2);
      const gameId = await played("public", [
        { player: a!, rank: 1 },
        { player: b!, rank: 2 },
      ]);
      assert.deepEqual(await abandonGames(db, [gameId], new Date()), [gameId]);
      assert.equal((await raceStore(db).endGame(gameId, new Date())).size, 0);
      assert.equal((await skillOf(a!)).ratedRaces, 0);
    });

    it("applies both of two rated races of one player ending at once, one after the other", async () => {
      const [shared, x, y] = await newcomers(3);
      const first = await played("public", [
        { player: shared!, rank: 1 },
        { player: x!, rank: 2 },
      ]);
      const second = await played("public", [
        { player: y!, rank: 1 },
        { player: shared!, rank: 2 },
      ]);
      const store = raceStore(db);
      await Promise.all([store.endGame(first, new Date()), store.endGame(second, new Date())]);

      const stored = await skillOf(shared!);
      assert.equal(stored.ratedRaces, 2);
      // Whichever went first, the other started from the skill it left.
      const won = (skill: Skill) =>
        rateRace(
          [
            { userId: shared!.id, place: 1 },
            { userId: x!.id, place: 2 },
          ],
          new Map([[shared!.id, skill]]),
        ).get(shared!.id)!;
      const lost = (skill: Skill) =>
        rateRace(
          [
            { userId: y!.id, place: 1 },
            { userId: shared!.id, place: 2 },
          ],
          new Map([[shared!.id, skill]]),
        ).get(shared!.id)!;
      const orders = [lost(won(NEW_SKILL)), won(lost(NEW_SKILL))];
      const close = (a: Skill, b: Skill) =>
        Math.abs(a.mu - b.mu) < 1e-9 && Math.abs(a.sigma - b.sigma) < 1e-9;
      const applied = orders.findIndex((skill) => close(skill, stored));
      assert.notEqual(applied, -1, `${JSON.stringify(stored)} is neither order of ${JSON.stringify(orders)}`);
      assert.equal(stored.rating, shownRating(orders[applied]!));
      // The results chain: the later race's rating before is the earlier one's after.
      const [one, two] = [(await ratingsOf(first))[shared!.id]!, (await ratingsOf(second))[shared!.id]!];
      const [earlier, later] = applied === 0 ? [one, two] : [two, one];
      assert.equal(earlier.ratingBefore, 1000);
      assert.equal(later.ratingBefore, earlier.ratingAfter);
      assert.equal(later.ratingAfter, stored.rating);
    });
  });

  describe("bestWpmByUser", () => {
    it("answers each player's best finished, unflagged wpm at one length", async () => {
      const [a, b, c] = await Promise.all([
        newPlayer(db, "A", true),
        newPlayer(db, "B", false),
        newPlayer(db, "C", true),
      ]);
      for (const one of [
        race(a.id, { wpm: 61 }),
        race(a.id, { wpm: 99, flagged: true }),
        race(a.id, { wpm: 98, rank: null }),
        race(a.id, { wpm: 70, wordCount: 50 }),
        race(b.id, { wpm: 45.5 }),
      ]) {
        await record(db, one);
      }
      const bests = await bestWpmByUser(db, [a.id, b.id, c.id], 25);
      assert.deepEqual(Object.fromEntries(bests), { [a.id]: 61, [b.id]: 45.5 });
    });
  });
});
