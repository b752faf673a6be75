/**
 * Leaderboards: each player's best finished, unflagged result of one text length in a period (a
 * UTC day, an ISO week, or all time), best first: highest wpm, then accuracy, then the earlier
 * finish (then the user id, so that every place is one player). Guests are ranked on the daily
 * and weekly boards only; all time is for registered players. Read from best_results
 * (src/db/bests.ts) along best_results_leaderboard_idx, in one query with the caller's own place.
 */
import { type BestPeriod, periodStart } from "./bests.ts";
import type { Queries } from "./prisma.ts";

export type LeaderboardPeriod = "daily" | "weekly" | "all";

const BEST_PERIOD: Record<LeaderboardPeriod, BestPeriod> = { daily: "day", weekly: "week", all: "all" };

export interface LeaderboardRequest {
  period: LeaderboardPeriod;
  words: number;
  limit: number;
  /** a moment inside the day or week to show */
  at: Date;
  /** the signed-in caller, whose own place is answered even outside the top `limit` */
  callerId: string | undefined;
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

export interface Leaderboard {
  /** the UTC day or the Monday of the ISO week (YYYY-MM-DD); null for all time */
  periodStart: string | null;
  entries: LeaderboardEntry[];
  /** the caller's own entry; null when signed out or not on this board */
  me: LeaderboardEntry | null;
}

export async function leaderboard(db: Queries, request: LeaderboardRequest): Promise<Leaderboard> {
  const period = BEST_PERIOD[request.period];
  const start = periodStart(period, request.at);
  const withGuests = period !== "all";
  const rows = await db.$queryRaw<Array<LeaderboardEntry & { mine: boolean }>>`
    WITH top AS (
      SELECT * FROM best_results
      WHERE period = ${period} AND period_start = ${start}::date AND word_count = ${request.words}
        AND (${withGuests} OR NOT guest)
      ORDER BY wpm DESC, acc DESC, finished_at, user_id
      LIMIT ${request.limit}
    ), mine AS (
      SELECT * FROM best_results
      WHERE user_id = ${request.callerId ?? null}::uuid AND period = ${period}
        AND word_count = ${request.words} AND period_start = ${start}::date
        AND (${withGuests} OR NOT guest)
    ), places AS (
      SELECT false AS mine, row_number() OVER (ORDER BY wpm DESC, acc DESC, finished_at, user_id) AS rank, top.*
      FROM top
      UNION ALL
      SELECT true, 1 + (
        -- Those ahead of the caller; "wpm >= mine" bounds the index range.
        SELECT count(*) FROM best_results AS o
        WHERE o.period = mine.period AND o.period_start = mine.period_start AND o.word_count = mine.word_count
          AND (${withGuests} OR NOT o.guest)
          AND o.wpm >= mine.wpm
          AND (o.wpm > mine.wpm OR o.acc > mine.acc OR (o.acc = mine.acc
               AND (o.finished_at, o.user_id) < (mine.finished_at, mine.user_id)))
      ), mine.*
      FROM mine
    )
    -- Names one by one (a join may hash the whole users table for 51 rows).
    SELECT p.mine, p.rank::int AS rank, p.user_id::text AS "userId",
           (SELECT name FROM users WHERE id = p.user_id) AS name, p.guest, p.game_id::text AS "gameId",
           p.wpm, p.wpm_raw AS "wpmRaw", p.acc, p.acc_raw AS "accRaw", p.finished_at AS "finishedAt"
    FROM places AS p
    ORDER BY p.mine, p.rank`;
  const entries = rows.filter((row) => !row.mine).map(({ mine: _, ...entry }) => entry);
  const own = rows.find((row) => row.mine);
  return {
    periodStart: period === "all" ? null : start,
    entries,
    me: own ? (({ mine: _, ...entry }) => entry)(own) : null,
  };
}
