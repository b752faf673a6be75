/** Reads of finished or running races for the HTTP API. */
import type { RaceMode } from "../protocol.ts";
import type { Database } from "./database.ts";

export interface StoredGame {
  id: string;
  mode: RaceMode;
  words: string[];
  status: string;
  startsAt: Date;
  endedAt: Date | null;
}

export interface StoredResult {
  userId: string;
  name: string;
  rank: number | null;
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
  finishedAt: Date | null;
  durationMs: number;
  flagged: boolean;
  won: boolean;
  isPersonalBest: boolean;
  /** the player's rating before and after this race; null unless it was rated for them */
  ratingBefore: number | null;
  ratingAfter: number | null;
  keystrokes: Uint8Array;
}

export function findGame(db: Database, id: string): Promise<StoredGame | null> {
  return db.prisma.game.findUnique({
    where: { id },
    select: { id: true, mode: true, words: true, status: true, startsAt: true, endedAt: true },
  }) as Promise<StoredGame | null>;
}

/** Finished players by rank, then those who did not finish, fastest first. */
export async function findResults(db: Database, gameId: string): Promise<StoredResult[]> {
  const rows = await db.prisma.gameResult.findMany({
    where: { gameId },
    select: {
      userId: true,
      rank: true,
      wpm: true,
      wpmRaw: true,
      acc: true,
      accRaw: true,
      finishedAt: true,
      durationMs: true,
      flagged: true,
      won: true,
      isPersonalBest: true,
      ratingBefore: true,
      ratingAfter: true,
      keystrokes: true,
      user: { select: { name: true } },
    },
    orderBy: [{ rank: { sort: "asc", nulls: "last" } }, { wpm: "desc" }, { userId: "asc" }],
  });
  return rows.map(({ user, ...row }) => ({ ...row, name: user.name }));
}

/** Races neither finished nor abandoned that were created before `createdBefore`, oldest first. */
export async function unfinishedGameIds(db: Database, createdBefore: Date): Promise<string[]> {
  const rows = await db.prisma.game.findMany({
    where: { status: { in: ["countdown", "racing"] }, createdAt: { lt: createdBefore } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((row) => row.id);
}

/**
 * Closes these races as abandoned, those still unfinished, in one conditional UPDATE: when several
 * processes close the same race at once, PostgreSQL lets one of them do it. Answers the ids this
 * call closed.
 */
export async function abandonGames(db: Database, ids: string[], endedAt: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.sql.$queryRaw<Array<{ id: string }>>`
    UPDATE games SET status = 'abandoned', ended_at = ${endedAt}
    WHERE id = ANY(${ids}::uuid[]) AND status IN ('countdown', 'racing')
    RETURNING id::text AS id`;
  return rows.map((row) => row.id);
}

/** A stored result to race against: its race's text, whose it is, and its keystroke log. */
export interface GhostRun {
  gameId: string;
  userId: string;
  /** the player's name */
  name: string;
  words: string[];
  rank: number | null;
  wpm: number;
  keystrokes: Uint8Array;
}

/** The stored result of `userId` in `gameId`, to race against; undefined when there is none. */
export async function findGhostRun(
  db: Database,
  gameId: string,
  userId: string,
): Promise<GhostRun | undefined> {
  const row = await db.prisma.gameResult.findUnique({
    where: { gameId_userId: { gameId, userId } },
    select: {
      rank: true,
      wpm: true,
      keystrokes: true,
      user: { select: { name: true } },
      game: { select: { words: true } },
    },
  });
  if (!row) return undefined;
  const { rank, wpm, keystrokes, user, game } = row;
  return { gameId, userId, name: user.name, words: game.words, rank, wpm, keystrokes };
}
