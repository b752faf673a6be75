/**
 * The aggregates behind profiles and leaderboards, so that every read is a handful of index
 * lookups however many races there are:
 *
 * - `best_results`: a user's best result per word count, of all time (the personal best) and of
 *   each UTC day and each ISO week (one leaderboard each). Finished, unflagged races only.
 * - `user_stats`: running totals of a user's races: every race played; the finished, unflagged
 *   ones in the averages (src/game/race/result.ts); wins as the race decided them (`won`); the
 *   time typed in unflagged races, finished or not.
 *
 * The best of several results is the highest wpm, then the higher accuracy, then the earlier
 * finish, then the smaller game id, so that it is always one result (src/game/personalBest.ts).
 *
 * Each result is added as it is recorded, with the user's row locked (`recordResults`,
 * src/db/races.ts); `rebuildAggregates` recomputes both tables from game_results (after the seed's
 * bulk load, after a guest's races move into an account), ordering them by the same rule. The
 * migration that created the tables backfilled them with the same SQL.
 */

import { Prisma } from "./generated/client.ts";
import type { Queries } from "./queries.ts";

export type BestPeriod = "all" | "day" | "week";
export const BEST_PERIODS: readonly BestPeriod[] = ["all", "day", "week"];

/** `period_start` of the all-time rows. */
export const ALL_TIME_START = "1970-01-01";

/**
 * The period holding `at`: its UTC day, the Monday of its ISO week (weeks start on Monday, UTC),
 * or ALL_TIME_START, as YYYY-MM-DD.
 */
export function periodStart(period: BestPeriod, at: Date): string {
  if (period === "all") return ALL_TIME_START;
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (period === "week") day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

/**
 * Recomputes the aggregates of these users (of everyone when `userIds` is undefined) from
 * game_results, replacing what was there. Run it in a transaction that holds the users' rows
 * locked, or with no results being written (the seed).
 */
export async function rebuildAggregates(db: Queries, userIds?: readonly string[]): Promise<void> {
  const only = (column: Prisma.Sql) =>
    userIds === undefined ? Prisma.empty : Prisma.sql`AND ${column} = ANY(${[...userIds]}::uuid[])`;
  await db.$executeRaw`DELETE FROM user_stats WHERE true ${only(Prisma.sql`user_id`)}`;
  await db.$executeRaw`DELETE FROM best_results WHERE true ${only(Prisma.sql`user_id`)}`;
  await db.$executeRaw`
    INSERT INTO user_stats (user_id, played, races, races_won, wpm_centis, acc_centis, typing_ms)
    SELECT user_id, count(*), count(*) FILTER (WHERE rank IS NOT NULL AND NOT flagged), count(*) FILTER (WHERE won),
           coalesce(sum(round(wpm * 100)) FILTER (WHERE rank IS NOT NULL AND NOT flagged), 0)::bigint,
           coalesce(sum(round(acc * 100)) FILTER (WHERE rank IS NOT NULL AND NOT flagged), 0)::bigint,
           coalesce(sum(duration_ms) FILTER (WHERE NOT flagged), 0)::bigint
    FROM game_results
    WHERE true ${only(Prisma.sql`user_id`)}
    GROUP BY user_id`;
  // A period at a time: three smaller sorts rather than one of everything.
  for (const [period, start] of Object.entries(PERIOD_STARTS)) {
    await db.$executeRaw`
      INSERT INTO best_results
        (user_id, period, period_start, word_count, game_id, wpm, wpm_raw, acc, acc_raw, finished_at, guest)
      SELECT DISTINCT ON (r.user_id, r.word_count, r.start)
             r.user_id, ${period}::text, r.start, r.word_count, r.game_id, r.wpm, r.wpm_raw, r.acc, r.acc_raw,
             r.finished_at, u.guest
      FROM (
        SELECT r.*, ${start} AS start FROM game_results AS r
        WHERE r.rank IS NOT NULL AND r.finished_at IS NOT NULL AND NOT r.flagged ${only(Prisma.sql`r.user_id`)}
      ) AS r
      JOIN users AS u ON u.id = r.user_id
      ORDER BY r.user_id, r.word_count, r.start, r.wpm DESC, r.acc DESC, r.finished_at, r.game_id`;
  }
}

/** Each period's start for a result `r`, as periodStart computes it. */
const PERIOD_STARTS: Record<BestPeriod, Prisma.Sql> = {
  all: Prisma.sql`${ALL_TIME_START}::date`,
  day: Prisma.sql`(r.finished_at AT TIME ZONE 'UTC')::date`,
  week: Prisma.sql`date_trunc('week', r.finished_at AT TIME ZONE 'UTC')::date`,
};
