/**
 * What a race writes to PostgreSQL: the game row when the lobby creates the race, each player's
 * result the moment that player finishes (DNF rows when the race ends), the game's end. Every
 * write is idempotent (a retried write changes nothing), so a durable outbox can replay them.
 */
import type { Database } from "./prisma.ts";

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

export function raceStore(db: Database): RaceStore {
  return {
    createGame: (game) => createGame(db, game),
    recordResult: (result) => recordResult(db, result),
    endGame: (gameId, endedAt) => endGame(db, gameId, endedAt),
  };
}

export async function createGame(db: Database, game: NewGame): Promise<void> {
  await db.game.upsert({
    where: { id: game.id },
    create: {
      id: game.id,
      words: game.words,
      wordCount: game.words.length,
      playerCount: game.playerCount,
      status: "countdown",
      startsAt: game.startsAt,
    },
    update: {},
  });
}

export async function recordResult(db: Database, result: RaceResult): Promise<{ isPersonalBest: boolean }> {
  const { gameId, userId, keystrokes, ...fields } = result;
  const previousBest = await bestWpmByUser(db, [userId], result.wordCount);
  await db.gameResult.upsert({
    where: { gameId_userId: { gameId, userId } },
    create: { gameId, userId, ...fields, keystrokes: Uint8Array.from(keystrokes) },
    update: {},
  });
  const isPersonalBest =
    result.rank !== null && !result.flagged && result.wpm > (previousBest.get(userId) ?? 0);
  return { isPersonalBest };
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
