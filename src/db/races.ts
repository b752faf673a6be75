/**
 * What a race writes to PostgreSQL: the game row when the lobby creates the race, each player's
 * result the moment that player finishes (DNF rows when the race ends), the game's end. Every
 * write is idempotent (a retried write changes nothing), so a durable outbox can replay them.
 */
import { batchedByKey } from "./batchedByKey.ts";
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

/**
 * `sql` runs the raw SQL of the hot writes: `db` itself, or the same connections without Prisma.
 * Results written at the same moment (a race's non-finishers at its end, races ending together)
 * share one statement (src/db/batchedByKey.ts).
 */
export function raceStore(db: Database, sql: Queries = db): RaceStore {
  const recordInBatch = batchedByKey(
    async (results: RaceResult[]) => {
      const outcomes = await recordEachSettled(sql, results);
      return new Map(results.map((result, i) => [result, outcomes[i]!]));
    },
    // Never used: recordEachSettled settles every result it is given.
    { status: "rejected", reason: new Error("not written") },
  );
  return {
    createGame: (game) => createGame(sql, game),
    recordResult: async (result) => {
      const outcome = await recordInBatch(result);
      if (outcome.status === "rejected") throw outcome.reason;
      return outcome.value;
    },
    endGame: (gameId, endedAt) => endGame(db, gameId, endedAt),
  };
}

/**
 * All of `results` in one statement; when that fails, each alone, so that one result PostgreSQL
 * refuses (its player deleted meanwhile, say) fails by itself, as it did before results shared
 * statements, rather than sending the others of its moment to the outbox with it.
 */
async function recordEachSettled(
  sql: Queries,
  results: RaceResult[],
): Promise<Array<PromiseSettledResult<{ isPersonalBest: boolean }>>> {
  try {
    const answers = await recordResults(sql, results);
    return answers.map((value) => ({ status: "fulfilled", value }));
  } catch (error) {
    if (results.length === 1) return [{ status: "rejected", reason: error }];
    return Promise.allSettled(results.map((result) => recordResult(sql, result)));
  }
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
 */
export async function recordResult(db: Queries, result: RaceResult): Promise<{ isPersonalBest: boolean }> {
  const [answer] = await recordResults(db, [result]);
  return answer!;
}

/**
 * Records results as `recordResult` does each, all in one statement: one round trip and one commit
 * for all of them, answered in the order given. Each is one call of the SQL function record_result
 * (created by the migration *_record_result_function), which had replaced an interactive
 * transaction of seven statements (~2.7 ms of the server's CPU per result, bench/README.md). It
 * locks the user's row first, so concurrent results of one player (and a guest's races moving
 * into an account, src/db/accounts.ts) queue there and each compares itself with the best of all
 * recorded before it. The calls go in the order of their users' ids, as merges lock users, so a
 * statement and a merge never wait for each other's locks in a circle; one player's results keep
 * the order given.
 */
export async function recordResults(
  db: Queries,
  results: RaceResult[],
): Promise<Array<{ isPersonalBest: boolean }>> {
  const column = <T>(field: (result: RaceResult) => T) => results.map(field);
  const rows = await db.$queryRaw<Array<{ position: number; isPersonalBest: boolean }>>`
    SELECT position::int AS position, record_result(
      game_id, user_id, rank, wpm, wpm_raw, acc, acc_raw,
      finished_at, word_count, duration_ms, flagged, keystrokes
    ) AS "isPersonalBest"
    FROM (
      SELECT * FROM unnest(
        ${column((r) => r.gameId)}::uuid[], ${column((r) => r.userId)}::uuid[],
        ${column((r) => r.rank)}::int[], ${column((r) => r.wpm)}::float8[],
        ${column((r) => r.wpmRaw)}::float8[], ${column((r) => r.acc)}::float8[],
        ${column((r) => r.accRaw)}::float8[], ${column((r) => r.finishedAt)}::timestamptz[],
        ${column((r) => r.wordCount)}::int[], ${column((r) => r.durationMs)}::int[],
        ${column((r) => r.flagged)}::bool[], ${column((r) => r.keystrokes)}::bytea[]
      ) WITH ORDINALITY AS given(
        game_id, user_id, rank, wpm, wpm_raw, acc, acc_raw,
        finished_at, word_count, duration_ms, flagged, keystrokes, position
      )
      ORDER BY user_id, position
    ) AS in_lock_order`;
  const answers: Array<{ isPersonalBest: boolean }> = [];
  for (const { position, isPersonalBest } of rows) answers[position - 1] = { isPersonalBest };
  return answers;
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
