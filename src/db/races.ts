/**
 * What a race writes to PostgreSQL: the game row when the lobby creates the race, each player's
 * result the moment that player finishes (DNF rows when the race ends), the game's end. Every
 * write is idempotent (a retried write changes nothing), so a durable outbox can replay them.
 */
import type { Database, Queries } from "./prisma.ts";

export interface NewGame {
  id: string;
  words: string[];
  playerCount: number;
  startsAt: Date;
}

export interface RaceResult {
  gameId: string;
  userId: string;
  /** null: did not finish */
  rank: number | null;
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
  /** null: did not finish */
  finishedAt: Date | null;
  wordCount: number;
  durationMs: number;
  flagged: boolean;
  keystrokes: Uint8Array;
}

/** Where races are written: PostgreSQL here, or a durable outbox in front of it. */
export interface RaceStore {
  createGame(game: NewGame): Promise<void>;
  recordResult(result: RaceResult): Promise<{ isPersonalBest: boolean }>;
  endGame(gameId: string, endedAt: Date): Promise<void>;
}

/** `sql` runs the raw SQL of the hot writes: `db` itself, or the same connections without Prisma. */
export function raceStore(db: Database, sql: Queries = db): RaceStore {
  return {
    createGame: (game) => createGame(sql, game),
    recordResult: (result) => recordResult(sql, result),
    endGame: (gameId, endedAt) => endGame(db, gameId, endedAt),
  };
}

export async function createGame(db: Queries, game: NewGame): Promise<void> {
  // Raw SQL for the same reason as mergedGuestCheck: one per race start, many per second in a burst.
  await db.$executeRaw`
    INSERT INTO games (id, words, word_count, player_count, status, starts_at)
    VALUES (${game.id}::uuid, ${game.words}, ${game.words.length}, ${game.playerCount}, 'countdown', ${game.startsAt})
    ON CONFLICT (id) DO NOTHING`;
}

/**
 * Records one player's result, once: a second call for the same (game, user) changes nothing and
 * answers what the first did. A result is a personal best when it is finished, not flagged, and
 * faster than every result of that user at that word count recorded before it (for one player,
 * results arrive in the order the races end; the outbox keeps that order). The user's
 * aggregates (src/db/bests.ts) change in the same statement.
 *
 * All of it is one call of the SQL function record_result (created by the migration
 * *_record_result_function): one round trip instead of an interactive transaction of seven
 * statements, which had cost the server ~2.7 ms of CPU per result (bench/README.md). It locks the
 * user's row first, so concurrent results of one player (and a guest's races moving into an
 * account, src/db/accounts.ts) queue there and each compares itself with the best of all that
 * were recorded before it.
 */
export async function recordResult(db: Queries, result: RaceResult): Promise<{ isPersonalBest: boolean }> {
  const [row] = await db.$queryRaw<Array<{ isPersonalBest: boolean }>>`
    SELECT record_result(
      ${result.gameId}::uuid, ${result.userId}::uuid, ${result.rank}::int, ${result.wpm}::float8,
      ${result.wpmRaw}::float8, ${result.acc}::float8, ${result.accRaw}::float8,
      ${result.finishedAt}::timestamptz, ${result.wordCount}::int, ${result.durationMs}::int,
      ${result.flagged}, ${result.keystrokes}
    ) AS "isPersonalBest"`;
  return { isPersonalBest: row!.isPersonalBest };
}

export async function endGame(db: Database, gameId: string, endedAt: Date): Promise<void> {
  await db.game.updateMany({ where: { id: gameId }, data: { status: "finished", endedAt } });
}

/** Each user's best finished, unflagged wpm over races of this length (0 when none). */
export async function bestWpmByUser(
  db: Database,
  userIds: string[],
  wordCount: number,
): Promise<Map<string, number>> {
  const rows = await db.gameResult.groupBy({
    by: ["userId"],
    where: { userId: { in: userIds }, wordCount, rank: { not: null }, flagged: false },
    _max: { wpm: true },
  });
  return new Map(rows.map((row) => [row.userId, row._max.wpm ?? 0]));
}
