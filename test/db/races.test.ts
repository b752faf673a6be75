import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { rebuildAggregates } from "../../src/db/bests.ts";
import { createDatabase, type Database, sqlOver } from "../../src/db/database.ts";
import { applyMigrations } from "../../src/db/migrations.ts";
import { bestWpmByUser, type NewGame, raceStore, recordResult } from "../../src/db/races.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { eventually } from "../support/players.ts";
import {
  createGameOf,
  newPlayer,
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
