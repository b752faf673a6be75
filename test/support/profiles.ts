/**
 * Stories about profiles and leaderboards: races written through the real write path
 * (`recordResult`), and an independent reckoning, in plain TypeScript over the races as written,
 * of what the statistics, graph, history, personal bests and leaderboards must then say. Nothing
 * here shares code with src/db/bests.ts, profiles.ts or leaderboards.ts.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Database } from "../../src/db/database.ts";
import { createGame, recordResult } from "../../src/db/races.ts";
import type { RaceResult } from "../../src/game/race/result.ts";
import type { RaceMode } from "../../src/protocol.ts";

/** A race as the stories write it: a result, how many raced in that game, and when it started. */
export type Race = Omit<RaceResult, "keystrokes"> & { playerCount: number; startsAt: Date; mode?: RaceMode };

export interface Player {
  id: string;
  name: string;
  guest: boolean;
}

/** A player, registered or guest, straight into the users table. */
export async function newPlayer(db: Database, name: string, guest: boolean): Promise<Player> {
  return db.prisma.user.create({ data: { name, guest }, select: { id: true, name: true, guest: true } });
}

/**
 * `read`'s answer once it is `expected`. The stories write through a database handle of their own,
 * as another process would, and such a write reaches the server's kept profiles with its notice
 * (src/db/userNotices.ts), sent at commit: a read made at once may come first. A read that
 * throws meanwhile (its two answers straddling the notice) is made again.
 */
export async function onceShown<T>(read: () => Promise<T>, expected: T, message?: string): Promise<void> {
  const until = Date.now() + 5_000;
  for (;;) {
    try {
      const answer = await read();
      if (isDeepStrictEqual(answer, expected)) return;
      if (Date.now() > until) assert.deepEqual(answer, expected, message);
    } catch (error) {
      if (Date.now() > until) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const twoDecimals = (value: number) => Math.round(value * 100) / 100;

/** A finished race (DNF when `rank` is null) with plausible figures; override what the story needs. */
export function race(userId: string, overrides: Partial<Race> = {}): Race {
  const rank = overrides.rank === undefined ? 1 : overrides.rank;
  const wpm = overrides.wpm ?? 60;
  const durationMs = overrides.durationMs ?? 20_000;
  const finishedAt = rank === null ? null : new Date("2025-03-10T12:00:00.000Z");
  const one = {
    gameId: randomUUID(),
    userId,
    rank,
    wpm,
    wpmRaw: twoDecimals(wpm * 1.05),
    acc: 96.5,
    accRaw: 97.25,
    finishedAt,
    wordCount: 25,
    durationMs,
    flagged: false,
    playerCount: Math.max(rank ?? 1, 2),
    ...overrides,
  };
  const startsAt =
    overrides.startsAt ??
    new Date((one.finishedAt ?? new Date("2025-03-10T12:00:00.000Z")).getTime() - durationMs);
  // As the race decides it: first place in a race of two or more, unflagged.
  const won = overrides.won ?? (one.rank === 1 && !one.flagged && one.playerCount >= 2);
  return { ...one, startsAt, won };
}

/** Writes the race's game and the result as the race room does; answers recordResult's answer. */
export async function record(db: Database, one: Race): Promise<{ isPersonalBest: boolean }> {
  await createGameOf(db, one);
  return recordResult(db, resultOf(one));
}

/** Writes the race's game, as the lobby does when it starts the race. */
export function createGameOf(db: Database, one: Race): Promise<void> {
  return createGame(db, {
    id: one.gameId,
    mode: one.mode ?? "public",
    words: Array.from({ length: one.wordCount }, () => "word"),
    playerCount: one.playerCount,
    startsAt: one.startsAt,
  });
}

export function resultOf(one: Race): RaceResult {
  const { playerCount: _, startsAt: __, mode: ___, ...result } = one;
  return { ...result, keystrokes: Uint8Array.from([1, 0x61]) };
}

export { seededRandom } from "../../src/game/seededRandom.ts";

/** Many races of one player: all lengths, some flagged, some not finished, over several weeks. */
export function variedRaces(
  userId: string,
  count: number,
  random: () => number,
  from = Date.UTC(2025, 2, 1),
) {
  const lengths = [25, 25, 25, 10, 50, 100, 3];
  return Array.from({ length: count }, (_, i) => {
    const finished = random() > 0.1;
    const wpm = twoDecimals(30 + random() * 90);
    // Distinct times, about 8 hours apart: days and weeks change along the way.
    const startsAt = new Date(from + i * 8 * 3600_000 + Math.floor(random() * 3600_000));
    const durationMs = 5_000 + Math.floor(random() * 60_000);
    return race(userId, {
      rank: finished ? 1 + Math.floor(random() * 4) : null,
      wpm,
      wpmRaw: twoDecimals(wpm + random() * 10),
      acc: twoDecimals(80 + random() * 20),
      accRaw: twoDecimals(80 + random() * 20),
      startsAt,
      finishedAt: finished ? new Date(startsAt.getTime() + durationMs) : null,
      wordCount: lengths[Math.floor(random() * lengths.length)]!,
      durationMs,
      flagged: random() < 0.1,
      playerCount: 1 + Math.floor(random() * 5),
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The reckoning
// ---------------------------------------------------------------------------------------------

const finished = (races: readonly Race[]) => races.filter((one) => one.rank !== null);
/** The races that count in averages, graphs and bests: finished, unflagged. */
const counted = (races: readonly Race[]) => finished(races).filter((one) => !one.flagged);
const time = (one: Race) => one.finishedAt!.getTime();

/** The better of two results first: wpm, then accuracy, then the earlier finish, then the game id. */
function bestFirst(a: Race, b: Race): number {
  return b.wpm - a.wpm || b.acc - a.acc || time(a) - time(b) || (a.gameId < b.gameId ? -1 : 1);
}

/** Newest first, the game id breaking ties. */
const newestFirst = (a: Race, b: Race) => time(b) - time(a) || (a.gameId < b.gameId ? 1 : -1);
/** Newest start first, the game id breaking ties: the history's order. */
const latestStartFirst = (a: Race, b: Race) =>
  b.startsAt.getTime() - a.startsAt.getTime() || (a.gameId < b.gameId ? 1 : -1);

/** A mean of 2-decimal numbers, rounded to 2 decimals (half up), from exact hundredths. */
function mean(values: number[]): number {
  if (values.length === 0) return 0;
  const hundredths = values.reduce((sum, value) => sum + Math.round(value * 100), 0);
  return Math.round(hundredths / values.length) / 100;
}

/**
 * What the rating update (not this reckoning's business) left on the player: the defaults of a
 * newcomer unless a story set them.
 */
export interface RatingOf {
  rating: number;
  ratedRaces: number;
}
const NEWCOMER: RatingOf = { rating: 1000, ratedRaces: 0 };

export function statisticsOf(races: readonly Race[], { rating, ratedRaces }: RatingOf = NEWCOMER) {
  const good = counted(races);
  const last10 = [...good].sort(newestFirst).slice(0, 10);
  const best = [...good].sort(bestFirst)[0];
  return {
    totalGames: races.length,
    wpmBest: best?.wpm ?? 0,
    accOfBest: best?.acc ?? 0,
    bestGameId: best?.gameId ?? null,
    wpmAvg10: mean(last10.map((one) => one.wpm)),
    accAvg10: mean(last10.map((one) => one.acc)),
    wpmAvgAll: mean(good.map((one) => one.wpm)),
    accAvgAll: mean(good.map((one) => one.acc)),
    racesWon: races.filter((one) => one.rank === 1 && !one.flagged && one.playerCount >= 2).length,
    timeTypingSeconds:
      races.filter((one) => !one.flagged).reduce((sum, one) => sum + one.durationMs, 0) / 1000,
    rating,
    provisional: ratedRaces < 10,
    ratedRaces,
  };
}

/**
 * A race's rating update as the race's end writes it, in one transaction (the columns of
 * src/game/rating.ts's contract; the update itself is another module's): each player's result keeps the rating before and after, and the user row the
 * new rating, one more rated race.
 */
export async function rateRace(
  db: Database,
  gameId: string,
  changes: ReadonlyArray<{ userId: string; before: number; after: number }>,
): Promise<void> {
  await db.prisma.$transaction(
    changes.flatMap(({ userId, before, after }) => [
      db.prisma.gameResult.update({
        where: { gameId_userId: { gameId, userId } },
        data: { ratingBefore: before, ratingAfter: after },
      }),
      db.prisma.user.update({
        where: { id: userId },
        data: { rating: after, ratedRaces: { increment: 1 } },
      }),
    ]),
  );
}

/** A player's rating and count of rated races, set straight on their user row. */
export async function setRating(db: Database, userId: string, rating: number, ratedRaces: number) {
  await db.prisma.user.update({ where: { id: userId }, data: { rating, ratedRaces } });
}

const figures = (one: Race) => ({
  gameId: one.gameId,
  wpm: one.wpm,
  wpmRaw: one.wpmRaw,
  acc: one.acc,
  accRaw: one.accRaw,
  rank: one.rank,
  finishedAt: one.finishedAt!.toISOString(),
});

export function graphOf(races: readonly Race[], last: number) {
  return [...counted(races)].sort(newestFirst).slice(0, last).reverse().map(figures);
}

export function historyOf(races: readonly Race[], page: number, size: number) {
  const all = [...races].sort(latestStartFirst);
  return {
    total: all.length,
    page,
    size,
    hasPrev: page > 1,
    hasNext: page * size < all.length,
    data: all.slice((page - 1) * size, page * size).map((one) => ({
      gameId: one.gameId,
      wpm: one.wpm,
      wpmRaw: one.wpmRaw,
      acc: one.acc,
      accRaw: one.accRaw,
      rank: one.rank,
      finishedAt: one.finishedAt?.toISOString() ?? null,
      playedAt: one.startsAt.toISOString(),
      flagged: one.flagged,
      playerCount: one.playerCount,
      mode: one.mode ?? "public",
      wordCount: one.wordCount,
    })),
  };
}

export function personalBestsOf(races: readonly Race[]) {
  const bestOf = (words: number) => {
    const best = counted(races)
      .filter((one) => one.wordCount === words)
      .sort(bestFirst)[0];
    if (!best) return null;
    const { rank: _, ...rest } = figures(best);
    return rest;
  };
  return { words: { "10": bestOf(10), "25": bestOf(25), "50": bestOf(50), "100": bestOf(100) } };
}

/** For races recorded in this order: each one's isPersonalBest. */
export function personalBestFlags(racesInOrder: readonly Race[]): boolean[] {
  const fastest = new Map<string, number>();
  return racesInOrder.map((one) => {
    if (one.rank === null || one.flagged) return false;
    const key = `${one.userId}/${one.wordCount}`;
    const before = fastest.get(key);
    if (before !== undefined && one.wpm <= before) return false;
    fastest.set(key, one.wpm);
    return true;
  });
}

const DAY_MS = 86_400_000;

/** The UTC day of an instant, as YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The Monday (UTC) of the ISO week of an instant: day 0 of the epoch, 1970-01-01, was a Thursday. */
export function isoWeekMonday(at: Date): string {
  const day = Math.floor(at.getTime() / DAY_MS);
  const monday = day - ((day + 3) % 7);
  return utcDay(new Date(monday * DAY_MS));
}

export type Period = "daily" | "weekly" | "all";

/** The board, from the races and their players: each player's best, best first, guests only daily and weekly. */
export function leaderboardOf(
  races: readonly Race[],
  players: readonly Player[],
  request: { period: Period; words: number; at: Date },
) {
  const inPeriod = (one: Race) =>
    request.period === "all" ||
    (request.period === "daily"
      ? utcDay(one.finishedAt!) === utcDay(request.at)
      : isoWeekMonday(one.finishedAt!) === isoWeekMonday(request.at));
  const byId = new Map(players.map((player) => [player.id, player]));
  const bests = new Map<string, Race>();
  for (const one of counted(races)) {
    if (one.wordCount !== request.words || !inPeriod(one)) continue;
    const player = byId.get(one.userId)!;
    if (request.period === "all" && player.guest) continue;
    const held = bests.get(one.userId);
    if (!held || bestFirst(one, held) < 0) bests.set(one.userId, one);
  }
  return [...bests.values()]
    .sort((a, b) => b.wpm - a.wpm || b.acc - a.acc || time(a) - time(b) || (a.userId < b.userId ? -1 : 1))
    .map((one, index) => {
      const player = byId.get(one.userId)!;
      return {
        rank: index + 1,
        userId: one.userId,
        name: player.name,
        guest: player.guest,
        gameId: one.gameId,
        wpm: one.wpm,
        wpmRaw: one.wpmRaw,
        acc: one.acc,
        accRaw: one.accRaw,
        finishedAt: one.finishedAt!.toISOString(),
      };
    });
}

/**
 * What best_results and user_stats (src/db/bests.ts) must hold for these players, reckoned from
 * their races, in a form to compare with `storedAggregates`.
 */
export function expectedAggregates(races: readonly Race[], players: readonly Player[]) {
  const bests = new Map<string, Race>();
  for (const one of races) {
    if (one.rank === null || one.flagged) continue;
    for (const [period, start] of [
      ["all", "1970-01-01"],
      ["day", utcDay(one.finishedAt!)],
      ["week", isoWeekMonday(one.finishedAt!)],
    ]) {
      const key = [one.userId, period, one.wordCount, start].join(" ");
      const held = bests.get(key);
      if (!held || bestFirst(one, held) < 0) bests.set(key, one);
    }
  }
  const guest = new Map(players.map((player) => [player.id, player.guest]));
  return {
    bests: [...bests.entries()]
      .map(
        ([key, one]) =>
          `${key} ${one.gameId} ${one.wpm} ${one.wpmRaw} ${one.acc} ${one.accRaw} ${one.finishedAt!.toISOString()} ${guest.get(one.userId)}`,
      )
      .sort(),
    stats: players
      .map((player) => {
        const mine = races.filter((one) => one.userId === player.id);
        if (mine.length === 0) return undefined;
        const good = counted(mine);
        const stats = statisticsOf(mine);
        const hundredths = (pick: (one: Race) => number) =>
          good.reduce((sum, one) => sum + Math.round(pick(one) * 100), 0);
        return `${player.id} ${stats.totalGames} ${good.length} ${stats.racesWon} ${hundredths((one) => one.wpm)} ${hundredths((one) => one.acc)} ${stats.timeTypingSeconds * 1000}`;
      })
      .filter((line) => line !== undefined)
      .sort(),
  };
}

export async function storedAggregates(db: Database, userIds: string[]) {
  const bests = await db.prisma.bestResult.findMany({ where: { userId: { in: userIds } } });
  const stats = await db.prisma.userStats.findMany({ where: { userId: { in: userIds } } });
  return {
    bests: bests
      .map((row) =>
        [
          row.userId,
          row.period,
          row.wordCount,
          row.periodStart.toISOString().slice(0, 10),
          row.gameId,
          row.wpm,
          row.wpmRaw,
          row.acc,
          row.accRaw,
          row.finishedAt.toISOString(),
          row.guest,
        ].join(" "),
      )
      .sort(),
    stats: stats
      .map(
        (row) =>
          `${row.userId} ${row.played} ${row.races} ${row.racesWon} ${row.wpmCentis} ${row.accCentis} ${row.typingMs}`,
      )
      .sort(),
  };
}
