import assert from "node:assert/strict";
import { seedDatabase } from "../../../scripts/db/seed.ts";
import { createDatabase, type Database } from "../../../src/db/database.ts";
import { decodeKeystrokeLog } from "../../../src/game/keystrokeLog.ts";
import { scoreOfLog } from "../../../src/game/replay.ts";
import {
  expectedAggregates,
  personalBestFlags,
  type Race,
  storedAggregates,
} from "../../support/profiles.ts";
import { createScratchDatabase } from "../../support/services.ts";

describe("the seed (scripts/db/seed.ts)", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let db: Database;
  const now = new Date("2025-03-20T12:00:00.000Z");
  const options = { users: 40, results: 3000, days: 20, seed: 3, now };
  const lines: string[] = [];

  let summary: Awaited<ReturnType<typeof seedDatabase>>;

  before(async function () {
    this.timeout(60_000);
    scratch = await createScratchDatabase("typephoon_seed");
    summary = await seedDatabase(scratch.url, options, (line) => lines.push(line));
    db = createDatabase(scratch.url);
  });
  after(async () => {
    await db?.close();
    await scratch?.drop();
  });

  const races = async (): Promise<Race[]> => {
    const rows = await db.prisma.gameResult.findMany({
      include: { game: { select: { playerCount: true, startsAt: true } } },
    });
    return rows.map(({ game, keystrokes: _, isPersonalBest: __, playedAt: ___, ...row }) => ({
      ...row,
      playerCount: game.playerCount,
      startsAt: game.startsAt,
    }));
  };

  it("writes the players and results asked for, showing its progress", async () => {
    assert.deepEqual(summary, { users: 40, games: await db.prisma.game.count(), results: 3000 });
    assert.equal(await db.prisma.user.count(), 40);
    assert.equal(await db.prisma.gameResult.count(), 3000);
    assert.ok(lines.some((line) => /3000 \/ 3000 results/.test(line)));
    assert.ok(lines.at(-1)!.includes("vacuumed"));
  });

  it("makes realistic races: mostly guests and 25 words, several players, some flagged or unfinished", async () => {
    const all = await races();
    const share = (count: number) => count / all.length;
    const guests = await db.prisma.user.count({ where: { guest: true } });
    assert.ok(guests > 20 && guests < 40, `mostly guests, some registered (${guests})`);
    assert.ok(share(all.filter((one) => one.wordCount === 25).length) > 0.6);
    assert.deepEqual(new Set(all.map((one) => one.wordCount)), new Set([10, 25, 50, 100]));
    assert.ok(all.some((one) => one.flagged) && share(all.filter((one) => one.flagged).length) < 0.05);
    assert.ok(
      all.some((one) => one.rank === null) && share(all.filter((one) => one.rank === null).length) < 0.2,
    );
    const finished = all.filter((one) => one.rank !== null);
    const mean = finished.reduce((sum, one) => sum + one.wpm, 0) / finished.length;
    assert.ok(mean > 55 && mean < 85, `wpm around 70 (${mean})`);
    const from = now.getTime() - options.days * 86_400_000;
    assert.ok(finished.every((one) => one.finishedAt!.getTime() >= from && one.finishedAt! <= now));
    const twoDecimals = (value: number) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;
    assert.ok(all.every((one) => [one.wpm, one.wpmRaw, one.acc, one.accRaw].every(twoDecimals)));
  });

  it("ranks each race's finishers 1, 2, 3… by time, and fills each game with its players", async () => {
    const games = await db.prisma.game.findMany({
      include: { results: { select: { rank: true, finishedAt: true, durationMs: true } } },
    });
    assert.ok(games.some((game) => game.playerCount >= 3));
    for (const game of games) {
      assert.equal(game.results.length, game.playerCount);
      assert.equal(game.wordCount, game.words.length);
      const finishers = game.results.filter((one) => one.rank !== null).sort((a, b) => a.rank! - b.rank!);
      assert.deepEqual(
        finishers.map((one) => one.rank),
        finishers.map((_, i) => i + 1),
      );
      for (const [i, one] of finishers.entries()) {
        assert.equal(one.finishedAt!.getTime(), game.startsAt.getTime() + one.durationMs);
        if (i > 0) assert.ok(one.durationMs >= finishers[i - 1]!.durationMs);
      }
      assert.ok(game.results.every((one) => (one.rank === null) === (one.finishedAt === null)));
    }
  });

  it("stores keystroke logs that replay through the typing engine to exactly the stored figures", async () => {
    const sample = await db.prisma.gameResult.findMany({
      take: 200,
      include: { game: { select: { words: true } } },
      orderBy: [{ gameId: "asc" }, { userId: "asc" }],
    });
    assert.equal(sample.length, 200);
    assert.ok(sample.some((one) => one.rank === null) && sample.some((one) => one.acc < 100));
    for (const one of sample) {
      const replayed = scoreOfLog(one.game.words, decodeKeystrokeLog(one.keystrokes));
      const stored = [one.rank !== null, one.durationMs, one.wpm, one.wpmRaw, one.acc, one.accRaw];
      const { finished, durationMs, wpm, wpmRaw, acc, accRaw } = replayed;
      const figures = [finished, durationMs, wpm, wpmRaw, acc, accRaw];
      const where = `${one.gameId}/${one.userId}: replayed ${figures}, stored ${stored}`;
      assert.equal(figures[0], stored[0], where);
      for (let i = 1; i < figures.length; i++) {
        assert.ok(Math.abs((figures[i] as number) - (stored[i] as number)) < 0.01, where);
      }
    }
  });

  it("never puts a player in two races at once", async () => {
    const results = await db.prisma.gameResult.findMany({
      select: { userId: true, durationMs: true, game: { select: { startsAt: true } } },
      orderBy: { game: { startsAt: "asc" } },
    });
    const busyUntil = new Map<string, number>();
    for (const one of results) {
      const start = one.game.startsAt.getTime();
      assert.ok(start >= (busyUntil.get(one.userId) ?? 0), "a race starts after the player's last one ended");
      busyUntil.set(one.userId, start + one.durationMs);
    }
  });

  it("marks personal bests and fills the aggregates as if the races had been recorded one by one", async () => {
    const all = await races();
    const inOrder = [...all].sort(
      (a, b) =>
        (a.finishedAt?.getTime() ?? 0) - (b.finishedAt?.getTime() ?? 0) || (a.gameId < b.gameId ? -1 : 1),
    );
    const expectedFlags = new Map(
      personalBestFlags(inOrder).map((flag, i) => [`${inOrder[i]!.gameId}/${inOrder[i]!.userId}`, flag]),
    );
    const stored = await db.prisma.gameResult.findMany({
      select: { gameId: true, userId: true, isPersonalBest: true },
    });
    for (const one of stored) {
      assert.equal(
        one.isPersonalBest,
        expectedFlags.get(`${one.gameId}/${one.userId}`),
        `${one.gameId}/${one.userId}`,
      );
    }
    assert.ok(stored.some((one) => one.isPersonalBest));

    const players = await db.prisma.user.findMany({ select: { id: true, name: true, guest: true } });
    assert.deepEqual(
      await storedAggregates(
        db,
        players.map((player) => player.id),
      ),
      expectedAggregates(all, players),
    );
  });
});
