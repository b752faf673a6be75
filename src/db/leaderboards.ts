/**
 * Leaderboards: each player's best finished, unflagged result of one text length in a period (a
 * UTC day, an ISO week, or all time), best first: highest wpm, then accuracy, then the earlier
 * finish (then the user id, so that every place is one player). Guests are ranked on the daily
 * and weekly boards only; all time is for registered players. Read from best_results
 * (src/db/bests.ts) along best_results_leaderboard_idx: the top and callers' own places are a query
 * each, so that a kept top (src/api/leaderboardRoutes.ts) can go with a caller's place read afresh,
 * and the places of the callers of one moment with one query.
 *
 * The rating board ranks registered players who are no longer provisional (src/game/rating.ts) by
 * the rating kept on their user row, then by id, along users_rating_idx.
 */

import { type LeaderboardPeriod, PROVISIONAL_RACES } from "../protocol.ts";
import { type BestPeriod, periodStart } from "./bests.ts";
import type { Queries } from "./queries.ts";

const BEST_PERIOD: Record<LeaderboardPeriod, BestPeriod> = { daily: "day", weekly: "week", all: "all" };

/** Which board: a period around `at`, one text length. */
export interface BoardRequest {
  period: LeaderboardPeriod;
  words: number;
  /** a moment inside the day or week to show */
  at: Date;
}

export interface LeaderboardEntry {
  rank: number;
  userId: string;
  name: string;
  guest: boolean;
  gameId: string;
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
  finishedAt: Date;
}

export interface BoardTop {
  /** the UTC day or the Monday of the ISO week (YYYY-MM-DD); null for all time */
  periodStart: string | null;
  entries: LeaderboardEntry[];
}

/** The board's rows in best_results: its period and start, and whether guests rank on it. */
export function scopeOf(request: BoardRequest): { period: BestPeriod; start: string; withGuests: boolean } {
  const period = BEST_PERIOD[request.period];
  return { period, start: periodStart(period, request.at), withGuests: period !== "all" };
}

/** The top `limit` of a board. */
export async function boardTop(db: Queries, request: BoardRequest & { limit: number }): Promise<BoardTop> {
  const { period, start, withGuests } = scopeOf(request);
  const entries = await db.$queryRaw<LeaderboardEntry[]>`
    WITH top AS (
      SELECT * FROM best_results
      WHERE period = ${period} AND period_start = ${start}::date AND word_count = ${request.words}
        AND (${withGuests} OR NOT guest)
      ORDER BY wpm DESC, acc DESC, finished_at, user_id
      LIMIT ${request.limit}
    )
    -- Names one by one (a join may hash the whole users table for the top's rows).
    SELECT (row_number() OVER (ORDER BY wpm DESC, acc DESC, finished_at, user_id))::int AS rank,
           top.user_id::text AS "userId", (SELECT name FROM users WHERE id = top.user_id) AS name,
           top.guest, top.game_id::text AS "gameId", top.wpm, top.wpm_raw AS "wpmRaw", top.acc,
           top.acc_raw AS "accRaw", top.finished_at AS "finishedAt"
    FROM top
    ORDER BY rank`;
  return { periodStart: period === "all" ? null : start, entries };
}

/**
 * Players' own entries on a board, each with their rank however far below the top; a player not
 * on it has none.
 */
export async function boardPlaces(
  db: Queries,
  request: BoardRequest & { userIds: string[] },
): Promise<LeaderboardEntry[]> {
  const { period, start, withGuests } = scopeOf(request);
  return db.$queryRaw<LeaderboardEntry[]>`
    SELECT 1 + (
             -- Those ahead of the player; "wpm >= mine" bounds the index range.
             SELECT count(*) FROM best_results AS o
             WHERE o.period = mine.period AND o.period_start = mine.period_start
               AND o.word_count = mine.word_count AND (${withGuests} OR NOT o.guest)
               AND o.wpm >= mine.wpm
               AND (o.wpm > mine.wpm OR o.acc > mine.acc OR (o.acc = mine.acc
                    AND (o.finished_at, o.user_id) < (mine.finished_at, mine.user_id)))
           )::int AS rank,
           mine.user_id::text AS "userId", (SELECT name FROM users WHERE id = mine.user_id) AS name,
           mine.guest, mine.game_id::text AS "gameId", mine.wpm, mine.wpm_raw AS "wpmRaw", mine.acc,
           mine.acc_raw AS "accRaw", mine.finished_at AS "finishedAt"
    FROM best_results AS mine
    WHERE mine.user_id = ANY(${request.userIds}::uuid[]) AND mine.period = ${period}
      AND mine.word_count = ${request.words} AND mine.period_start = ${start}::date
      AND (${withGuests} OR NOT mine.guest)`;
}

export interface RatingEntry {
  rank: number;
  userId: string;
  name: string;
  rating: number;
  ratedRaces: number;
}

/** The top `limit` of the rating board. */
export function ratingTop(db: Queries, limit: number): Promise<RatingEntry[]> {
  return db.$queryRaw<RatingEntry[]>`
    SELECT (row_number() OVER (ORDER BY rating DESC, id))::int AS rank,
           id::text AS "userId", name, rating, rated_races AS "ratedRaces"
    FROM (
      SELECT id, name, rating, rated_races FROM users
      WHERE NOT guest AND rated_races >= ${PROVISIONAL_RACES}
      ORDER BY rating DESC, id
      LIMIT ${limit}
    ) AS top
    ORDER BY rank`;
}

/** A player's own place on the rating board; null when they are not on it (a guest, or provisional). */
export async function ratingPlace(db: Queries, userId: string): Promise<RatingEntry | null> {
  const [own] = await db.$queryRaw<RatingEntry[]>`
    SELECT 1 + (
             -- Those ahead of the player; "rating >= mine" bounds the index range.
             SELECT count(*) FROM users AS o
             WHERE o.rating >= mine.rating AND (o.rating > mine.rating OR o.id < mine.id)
               AND NOT o.guest AND o.rated_races >= ${PROVISIONAL_RACES}
           )::int AS rank,
           mine.id::text AS "userId", mine.name, mine.rating, mine.rated_races AS "ratedRaces"
    FROM users AS mine
    WHERE mine.id = ${userId}::uuid AND NOT mine.guest AND mine.rated_races >= ${PROVISIONAL_RACES}`;
  return own ?? null;
}
